import { randomBytes } from 'node:crypto';
import { ConflictError } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import { isUniqueViolation } from './errors.ts';

/** A webhook intake source as listed: never its secret. */
export interface IntakeSourceRecord {
  readonly name: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly rotatedAt: Date | null;
  /** Until when the secret before the last rotation is still accepted. */
  readonly previousValidUntil: Date | null;
}

/** The secrets a source's posts may be signed with now. */
export interface IntakeSourceSecrets {
  readonly current: string;
  readonly previous: string | null;
}

/** Webhook intake sources, their secrets, and the signatures already seen. */
export interface IntakeSourceRepository {
  create(name: string, createdBy: string): Promise<{ readonly secret: string; readonly record: IntakeSourceRecord }>;
  /** A new secret; the old one stays valid until `previousValidUntil`. Undefined if there is no such source. */
  rotate(name: string, at: Date, previousValidUntil: Date): Promise<{ readonly secret: string; readonly record: IntakeSourceRecord } | undefined>;
  list(): Promise<IntakeSourceRecord[]>;
  remove(name: string): Promise<boolean>;
  /** The secrets valid at `now`, or undefined if there is no such source. */
  secretsOf(name: string, now: Date): Promise<IntakeSourceSecrets | undefined>;
  /**
   * Records a signature as used; false if it was used before (a replay). Signatures older than
   * `forgetBefore` are dropped: their timestamps are refused anyway.
   */
  recordSignature(source: string, signature: string, forgetBefore: Date): Promise<boolean>;
  /** Forgets a recorded signature (its post was refused after all, and may be sent again). */
  forgetSignature(source: string, signature: string): Promise<void>;
}

const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

type SourceRow = { name: string; created_by: string; created_at: Date; rotated_at: Date | null; previous_valid_until: Date | null };
const toRecord = (row: SourceRow): IntakeSourceRecord => ({
  name: row.name,
  createdBy: row.created_by,
  createdAt: row.created_at,
  rotatedAt: row.rotated_at,
  previousValidUntil: row.previous_valid_until,
});
const COLUMNS = ['name', 'created_by', 'created_at', 'rotated_at', 'previous_valid_until'] as const;

export function createIntakeSourceRepository(db: Kysely<Database>): IntakeSourceRepository {
  let lastPrune = 0;
  return {
    async create(name, createdBy) {
      const secret = newSecret();
      try {
        const row = await db.insertInto('intake_sources').values({ name, secret, created_by: createdBy }).returning(COLUMNS).executeTakeFirstOrThrow();
        return { secret, record: toRecord(row) };
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`an intake source named "${name}" exists; rotate its secret with POST /v1/intake-sources/${name}/rotate`);
        throw error;
      }
    },

    async rotate(name, at, previousValidUntil) {
      const secret = newSecret();
      const row = await db
        .updateTable('intake_sources')
        .set({ previous_secret: sql`secret`, previous_valid_until: previousValidUntil, secret, rotated_at: at })
        .where('name', '=', name)
        .returning(COLUMNS)
        .executeTakeFirst();
      return row && { secret, record: toRecord(row) };
    },

    async list() {
      return (await db.selectFrom('intake_sources').select(COLUMNS).orderBy('name').execute()).map(toRecord);
    },

    async remove(name) {
      const result = await db.deleteFrom('intake_sources').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async secretsOf(name, now) {
      const row = await db.selectFrom('intake_sources').select(['secret', 'previous_secret', 'previous_valid_until']).where('name', '=', name).executeTakeFirst();
      if (!row) return undefined;
      const previousValid = row.previous_secret !== null && row.previous_valid_until !== null && row.previous_valid_until.getTime() > now.getTime();
      return { current: row.secret, previous: previousValid ? row.previous_secret : null };
    },

    async recordSignature(source, signature, forgetBefore) {
      // Now and then, not on every post: the table holds a few minutes of signatures.
      if (Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now();
        await db.deleteFrom('intake_signatures').where('seen_at', '<', forgetBefore).execute();
      }
      const inserted = await db
        .insertInto('intake_signatures')
        .values({ source, signature })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async forgetSignature(source, signature) {
      await db.deleteFrom('intake_signatures').where('source', '=', source).where('signature', '=', signature).execute();
    },
  };
}
