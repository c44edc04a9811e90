import { type CreateTeam, ConflictError, type SlaPolicy, isId, newId, NotFoundError, type RepId, type Strategy, type Team, type TeamId } from '@switchboard/core';
import type { Kysely } from 'kysely';
import type { Database, TeamRow } from './database.ts';
import { isUniqueViolation } from './errors.ts';

/** Reads and writes teams and their members. */
export interface TeamRepository {
  /** Creates a team; throws `NotFoundError` naming the first member that is not a rep. */
  create(input: CreateTeam): Promise<Team>;
  /** Finds a team by id or by name (case-insensitive). */
  find(idOrName: string): Promise<Team | undefined>;
  /** The default team: the first one created. */
  findDefault(): Promise<Team | undefined>;
  list(): Promise<Team[]>;
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
    createdAt: row.created_at,
  }));
}

/** Creates the PostgreSQL team repository. */
export function createTeamRepository(db: Kysely<Database>): TeamRepository {
  return {
    async create(input) {
      return db.transaction().execute(async (trx) => {
        if (input.members.length > 0) {
          const found = await trx.selectFrom('reps').select('id').where('id', 'in', input.members).execute();
          const known = new Set(found.map((r) => r.id));
          const index = input.members.findIndex((id) => !known.has(id));
          if (index >= 0) {
            throw new NotFoundError(`members[${index}]: rep`, input.members[index] as string, 'create the rep first with POST /v1/reps');
          }
        }
        const id = newId<TeamId>();
        const row = await trx
          .insertInto('teams')
          .values({ id, name: input.name, strategy: input.strategy, sla: input.sla ? JSON.stringify(input.sla) : null })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((error: unknown) => {
            if (isUniqueViolation(error, 'teams_name_unique')) {
              throw new ConflictError(`a team named "${input.name}" already exists; team names are unique`, { cause: error });
            }
            throw error;
          });
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
