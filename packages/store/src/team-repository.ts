import { type BookingPolicy, type BusyPolicy, type CreateTeam, type UpdateTeam, ConflictError, type SlaPolicy, isId, newId, NotFoundError, type RepId, type Strategy, type Team, type TeamId } from '@switchboard/core';
import type { Kysely } from 'kysely';
import type { Database, TeamRow } from './database.ts';
import { isUniqueViolation } from './errors.ts';

/** Reads and writes teams and their members. */
export interface TeamRepository {
  /** Creates a team; throws `NotFoundError` naming the first member that is not a rep. */
  create(input: CreateTeam): Promise<Team>;
  /**
   * Changes the fields given (`members` replaces the list, in order); throws `NotFoundError` for an
   * unknown team or member, `ConflictError` for a name another team has.
   */
  update(id: string, patch: UpdateTeam): Promise<Team>;
  /** Finds a team by id or by name (case-insensitive). */
  find(idOrName: string): Promise<Team | undefined>;
  /** The default team: the first one created. */
  findDefault(): Promise<Team | undefined>;
  list(): Promise<Team[]>;
}

/** A team as a routing configuration defines it, its members resolved to rep ids. */
export type ConfiguredTeam = Omit<Team, 'id' | 'createdAt'>;

/**
 * Creates or updates the configuration's teams by name (case-insensitive), inside the
 * caller's transaction: members are replaced in the given order. Teams the
 * configuration doesn't name are left alone.
 */
export async function upsertConfiguredTeams(trx: Kysely<Database>, teams: ReadonlyArray<ConfiguredTeam>): Promise<TeamId[]> {
  const ids: TeamId[] = [];
  for (const team of teams) {
    const values = {
      name: team.name,
      strategy: team.strategy,
      sla: team.sla ? JSON.stringify(team.sla) : null,
      fallback: team.fallback,
      overflow: team.overflow,
      load_window: team.window,
      busy: team.busy,
      booking: team.booking ? JSON.stringify(team.booking) : null,
    };
    const existing = await trx
      .selectFrom('teams')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', team.name.toLowerCase()))
      .executeTakeFirst();
    const id = (existing?.id as TeamId | undefined) ?? newId<TeamId>();
    if (existing) await trx.updateTable('teams').set(values).where('id', '=', id).execute();
    else await trx.insertInto('teams').values({ id, ...values }).execute();
    await trx.deleteFrom('team_members').where('team_id', '=', id).execute();
    if (team.members.length > 0) {
      await trx
        .insertInto('team_members')
        .values(team.members.map((repId, position) => ({ team_id: id, rep_id: repId, position })))
        .execute();
    }
    ids.push(id);
  }
  return ids;
}

async function withMembers(db: Kysely<Database>, rows: ReadonlyArray<TeamRow>): Promise<Team[]> {
  if (rows.length === 0) return [];
  const members = await db
    .selectFrom('team_members')
    .select(['team_id', 'rep_id'])
    .where(
      'team_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    id: row.id as TeamId,
    name: row.name,
    strategy: row.strategy as Strategy,
    sla: (row.sla as SlaPolicy | null) ?? null,
    members: members.filter((m) => m.team_id === row.id).map((m) => m.rep_id as RepId),
    fallback: row.fallback,
    overflow: row.overflow,
    window: row.load_window as Team['window'],
    busy: row.busy as BusyPolicy,
    booking: (row.booking as BookingPolicy | null) ?? null,
    createdAt: row.created_at,
  }));
}

/** Throws `NotFoundError` naming the first member that is not a rep. */
async function checkMembers(trx: Kysely<Database>, members: ReadonlyArray<string>): Promise<void> {
  if (members.length === 0) return;
  const found = await trx.selectFrom('reps').select('id').where('id', 'in', members).execute();
  const known = new Set(found.map((r) => r.id));
  const index = members.findIndex((id) => !known.has(id));
  if (index >= 0) throw new NotFoundError(`members[${index}]: rep`, members[index] as string, 'create the rep first with POST /v1/reps');
}

function translateTeamError(error: unknown, name: string | undefined): never {
  if (isUniqueViolation(error, 'teams_name_unique')) {
    throw new ConflictError(`a team named "${name}" already exists; team names are unique`, { cause: error });
  }
  throw error;
}

/** Creates the PostgreSQL team repository. */
export function createTeamRepository(db: Kysely<Database>): TeamRepository {
  return {
    async create(input) {
      return db.transaction().execute(async (trx) => {
        await checkMembers(trx, input.members);
        const id = newId<TeamId>();
        const row = await trx
          .insertInto('teams')
          .values({ id, name: input.name, strategy: input.strategy, sla: input.sla ? JSON.stringify(input.sla) : null, busy: input.busy ?? 'skip', booking: input.booking ? JSON.stringify(input.booking) : null })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((error: unknown) => translateTeamError(error, input.name));
        if (input.members.length > 0) {
          await trx
            .insertInto('team_members')
            .values(input.members.map((repId, position) => ({ team_id: id, rep_id: repId, position })))
            .execute();
        }
        const [team] = await withMembers(trx, [row]);
        return team as Team;
      });
    },

    async update(id, patch) {
      return db.transaction().execute(async (trx) => {
        if (patch.members !== undefined) await checkMembers(trx, patch.members);
        const row = await trx
          .updateTable('teams')
          .set({
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.strategy !== undefined && { strategy: patch.strategy }),
            ...(patch.sla !== undefined && { sla: patch.sla === null ? null : JSON.stringify(patch.sla) }),
            ...(patch.busy !== undefined && { busy: patch.busy }),
            ...(patch.booking !== undefined && { booking: patch.booking === null ? null : JSON.stringify(patch.booking) }),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst()
          .catch((error: unknown) => translateTeamError(error, patch.name));
        if (!row) throw new NotFoundError('team', id, 'list teams with GET /v1/teams');
        if (patch.members !== undefined) {
          await trx.deleteFrom('team_members').where('team_id', '=', id).execute();
          if (patch.members.length > 0) {
            await trx
              .insertInto('team_members')
              .values(patch.members.map((repId, position) => ({ team_id: id, rep_id: repId, position })))
              .execute();
          }
        }
        return (await withMembers(trx, [row]))[0] as Team;
      });
    },

    async find(idOrName) {
      let query = db.selectFrom('teams').selectAll();
      query = isId(idOrName)
        ? query.where('id', '=', idOrName)
        : query.where((eb) => eb(eb.fn('lower', ['name']), '=', idOrName.toLowerCase()));
      const row = await query.executeTakeFirst();
      return row ? (await withMembers(db, [row]))[0] : undefined;
    },

    async findDefault() {
      const row = await db.selectFrom('teams').selectAll().orderBy('position').limit(1).executeTakeFirst();
      return row ? (await withMembers(db, [row]))[0] : undefined;
    },

    async list() {
      return withMembers(db, await db.selectFrom('teams').selectAll().orderBy('position').execute());
    },
  };
}
