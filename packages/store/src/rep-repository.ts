import {
  ConflictError,
  type CreateRep,
  isId,
  newId,
  NotFoundError,
  type Rep,
  type RepId,
  type RepState,
  type UpdateRep,
} from '@switchboard/core';
import type { Kysely } from 'kysely';
import type { Database, RepRow } from './database.ts';
import { isForeignKeyViolation, isUniqueViolation } from './errors.ts';

/** A rep's live state, as its actor last persisted it. */
export interface RepLiveState {
  readonly repId: RepId;
  readonly state: RepState;
  readonly activeLeads: number;
  readonly lastAssignedAt: number | null;
  readonly lastAssignmentSeq: number | null;
  /**
   * Strictly increasing per rep. Writes of older revisions are ignored, so two
   * transactions committing out of order can't leave an older state behind.
   */
  readonly revision: number;
  /** The rep actor's counters (per-window caps, rejections), to restore it. */
  readonly snapshot?: unknown;
  /** The state change this write records in the rep's event log, if its state changed. */
  readonly transition?: { readonly from: string | null; readonly to: string; readonly cause: string; readonly at: number };
}

/** Reads and writes reps. */
export interface RepRepository {
  create(input: CreateRep): Promise<Rep>;
  /** Changes the profile fields given; throws `NotFoundError` for an unknown id. */
  update(id: string, patch: UpdateRep): Promise<Rep>;
  get(id: string): Promise<Rep | undefined>;
  /** A rep by id or by email (case-insensitive, as emails are unique): how people name reps. */
  find(idOrEmail: string): Promise<Rep | undefined>;
  list(options?: { readonly limit?: number; readonly after?: string }): Promise<Rep[]>;
  /** Every rep, for the router to load its actors. */
  listAll(): Promise<Rep[]>;
}

/** Maps a database row to the domain type. */
export function toRep(row: RepRow): Rep {
  return {
    id: row.id as RepId,
    name: row.name,
    email: row.email,
    timezone: row.timezone,
    weight: row.weight,
    cap: row.cap,
    tags: row.tags,
    caps: row.caps,
    workingHours: (row.working_hours as Rep['workingHours']) ?? null,
    holidays: row.holidays,
    outOfOffice: row.out_of_office.map((p) => ({ from: new Date(p.from), to: new Date(p.to), ...(p.reason !== undefined && { reason: p.reason }) })),
    busy: row.busy,
    managerId: row.manager_id as RepId | null,
    salesforceUserId: row.salesforce_user_id,
    available: row.available,
    awayReason: row.away_reason,
    active: row.active,
    state: row.state as RepState,
    activeLeads: row.active_leads,
    revision: row.version,
    lastAssignedAt: row.last_assigned_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function translate(error: unknown, email?: string): never {
  if (isForeignKeyViolation(error, 'reps_manager_id_fkey')) {
    throw new NotFoundError('managerId: rep', '(given)', 'the manager must be an existing rep', { cause: error });
  }
  if (isUniqueViolation(error, 'reps_salesforce_user_id')) {
    throw new ConflictError('another rep already has this salesforceUserId; a Salesforce User belongs to one rep', { cause: error });
  }
  if (isUniqueViolation(error, 'reps_email_unique')) {
    throw new ConflictError(`a rep with email "${email}" already exists; change that rep with PATCH /v1/reps/:id instead`, {
      cause: error,
    });
  }
  throw error;
}

/** Creates the PostgreSQL rep repository. */
export function createRepRepository(db: Kysely<Database>): RepRepository {
  return {
    async create(input) {
      const row = await db
        .insertInto('reps')
        .values({
          id: newId<RepId>(),
          name: input.name,
          email: input.email,
          timezone: input.timezone,
          weight: input.weight,
          cap: input.cap,
          tags: JSON.stringify(input.tags),
          caps: JSON.stringify(input.caps),
          working_hours: input.workingHours === null ? null : JSON.stringify(input.workingHours),
          holidays: JSON.stringify(input.holidays),
          out_of_office: JSON.stringify(input.outOfOffice),
          manager_id: input.managerId,
          salesforce_user_id: input.salesforceUserId ?? null,
          available: true,
          state: input.cap === 0 ? 'capped' : 'available',
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((error) => translate(error, input.email));
      return toRep(row);
    },

    async update(id, patch) {
      const row = await db
        .updateTable('reps')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.email !== undefined && { email: patch.email }),
          ...(patch.timezone !== undefined && { timezone: patch.timezone }),
          ...(patch.weight !== undefined && { weight: patch.weight }),
          ...(patch.cap !== undefined && { cap: patch.cap }),
          ...(patch.tags !== undefined && { tags: JSON.stringify(patch.tags) }),
          ...(patch.caps !== undefined && { caps: JSON.stringify(patch.caps) }),
          ...(patch.workingHours !== undefined && { working_hours: patch.workingHours === null ? null : JSON.stringify(patch.workingHours) }),
          ...(patch.holidays !== undefined && { holidays: JSON.stringify(patch.holidays) }),
          ...(patch.outOfOffice !== undefined && { out_of_office: JSON.stringify(patch.outOfOffice) }),
          ...(patch.managerId !== undefined && { manager_id: patch.managerId }),
          ...(patch.salesforceUserId !== undefined && { salesforce_user_id: patch.salesforceUserId }),
          ...(patch.available !== undefined && { available: patch.available }),
          ...(patch.awayReason !== undefined && { away_reason: patch.awayReason }),
          ...(patch.active !== undefined && { active: patch.active }),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
        .catch((error) => translate(error, patch.email));
      if (!row) throw new NotFoundError('rep', id, 'list reps with GET /v1/reps');
      return toRep(row);
    },

    async get(id) {
      const row = await db.selectFrom('reps').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRep(row);
    },

    async find(idOrEmail) {
      const row = await db
        .selectFrom('reps')
        .selectAll()
        .where((eb) => (isId(idOrEmail) ? eb('id', '=', idOrEmail) : eb(eb.fn('lower', ['email']), '=', idOrEmail.toLowerCase())))
        .executeTakeFirst();
      return row && toRep(row);
    },

    async list(options = {}) {
      let query = db.selectFrom('reps').selectAll().orderBy('id').limit(options.limit ?? 100);
      if (options.after) query = query.where('id', '>', options.after);
      return (await query.execute()).map(toRep);
    },

    async listAll() {
      return (await db.selectFrom('reps').selectAll().orderBy('id').execute()).map(toRep);
    },
  };
}
