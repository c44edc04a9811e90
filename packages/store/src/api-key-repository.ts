import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ConflictError, type Principal, type RepId, type Role, ValidationError } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import { isForeignKeyViolation, isUniqueViolation } from './errors.ts';
import { hashSecret, verifySecret } from './secret-hash.ts';

/** An API key as listed: never its secret. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly repId: RepId | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

/** What a new key is. */
export interface NewApiKey {
  readonly name: string;
  readonly role: Role;
  readonly repId?: RepId | null | undefined;
  readonly expiresAt?: Date | null | undefined;
  /** Who made it (the audit's "who"). */
  readonly createdBy: string;
}

/** Why a presented key is refused. */
export type KeyRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired';

/** A key checked against its row: the caller, or why not. */
export type KeyCheck = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly refusal: KeyRefusal };

/** Stored keys and console sessions. */
export interface CredentialRepository {
  /** Creates a key; the answer's `key` is the only time the secret is seen. */
  create(key: NewApiKey): Promise<{ readonly key: string; readonly record: ApiKeyRecord }>;
  /**
   * Creates `key` unless some key was ever created (one transaction, under a lock): the first
   * start's admin key, made once however many API processes start at once.
   */
  createFirst(key: NewApiKey): Promise<{ readonly key: string; readonly record: ApiKeyRecord } | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Revokes a key and ends the console sessions opened with it; undefined if there is no such key. */
  revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  /** Checks a presented key (its secret against the scrypt hash). */
  verify(presented: string, now: Date): Promise<KeyCheck>;
  /** Whether a key checked earlier still stands (no hash: the cache's cheap re-check). */
  stillValid(id: string, now: Date): Promise<boolean>;
  /** Records when keys were last used (batched by the caller). */
  markUsed(uses: ReadonlyMap<string, Date>): Promise<void>;

  /** Opens a console session for `principal` until `expiresAt`; answers its token (the cookie). */
  openSession(principal: Principal, expiresAt: Date): Promise<string>;
  /** The principal of a live session, or undefined (unknown, expired, or its key revoked). */
  findSession(token: string, now: Date): Promise<Principal | undefined>;
  closeSession(token: string): Promise<void>;
}

const KEY_PREFIX = 'sbk_';
const KEY_PATTERN = /^sbk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** `sbk_<id>_<secret>`: the id finds the row, the secret is checked against its hash. */
function mintKey(id: string): { key: string; secret: string } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `${KEY_PREFIX}${id.replaceAll('-', '')}_${secret}`, secret };
}

function parseKey(presented: string): { id: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return undefined;
  const hex = match[1] as string;
  return { id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, secret: match[2] as string };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

type KeyRow = {
  id: string;
  name: string;
  role: string;
  rep_id: string | null;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
};

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    repId: row.rep_id as RepId | null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

const RECORD_COLUMNS = ['id', 'name', 'role', 'rep_id', 'created_by', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'] as const;

export function createCredentialRepository(db: Kysely<Database>): CredentialRepository {
  const insert = async (executor: Kysely<Database>, key: NewApiKey) => {
    const repId = key.repId ?? null;
    if (key.role === 'rep' && repId === null) throw new ValidationError([{ path: 'repId', message: 'a rep key is bound to one rep: give its id' }]);
    if (key.role !== 'rep' && repId !== null) throw new ValidationError([{ path: 'repId', message: `only a rep key is bound to a rep; a ${key.role} key takes no repId` }]);
    const id = randomUUID();
    const { key: presented, secret } = mintKey(id);
    try {
      const row = await executor
        .insertInto('api_keys')
        .values({ id, name: key.name, role: key.role, rep_id: repId, secret_hash: await hashSecret(secret), created_by: key.createdBy, expires_at: key.expiresAt ?? null })
        .returning(RECORD_COLUMNS)
        .executeTakeFirstOrThrow();
      return { key: presented, record: toRecord(row) };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`a key named "${key.name}" exists; revoke it first, or choose another name`);
      if (isForeignKeyViolation(error)) throw new ValidationError([{ path: 'repId', message: `rep "${repId}" does not exist` }]);
      throw error;
    }
  };

  const keyStands = (row: { revoked_at: Date | null; expires_at: Date | null }, now: Date): KeyRefusal | null =>
    row.revoked_at !== null ? 'revoked' : row.expires_at !== null && row.expires_at.getTime() <= now.getTime() ? 'expired' : null;

  return {
    create: (key) => insert(db, key),

    async createFirst(key) {
      return db.transaction().execute(async (trx) => {
        // One lock for every process that starts at once: the first one in makes the key.
        await sql`select pg_advisory_xact_lock(hashtext('switchboard.first-admin-key'))`.execute(trx);
        const any = await trx.selectFrom('api_keys').select('id').limit(1).executeTakeFirst();
        if (any) return undefined;
        return insert(trx, key);
      });
    },

    async list() {
      return (await db.selectFrom('api_keys').select(RECORD_COLUMNS).orderBy('created_at').orderBy('id').execute()).map(toRecord);
    },

    async get(id) {
      const row = await db.selectFrom('api_keys').select(RECORD_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async revoke(id, at) {
      const row = await db
        .updateTable('api_keys')
        .set({ revoked_at: sql`coalesce(revoked_at, ${at})` })
        .where('id', '=', id)
        .returning(RECORD_COLUMNS)
        .executeTakeFirst();
      if (row) await db.deleteFrom('console_sessions').where('key_id', '=', id).execute();
      return row && toRecord(row);
    },

    async verify(presented, now) {
      const parsed = parseKey(presented);
      if (!parsed) return { ok: false, refusal: 'malformed' };
      const row = await db
        .selectFrom('api_keys')
        .select(['id', 'name', 'role', 'rep_id', 'secret_hash', 'revoked_at', 'expires_at'])
        .where('id', '=', parsed.id)
        .executeTakeFirst();
      if (!row || !(await verifySecret(parsed.secret, row.secret_hash))) return { ok: false, refusal: 'unknown' };
      const refusal = keyStands(row, now);
      if (refusal) return { ok: false, refusal };
      return { ok: true, principal: { name: row.name, role: row.role as Role, repId: row.rep_id as RepId | null, keyId: row.id } };
    },

    async stillValid(id, now) {
      const row = await db.selectFrom('api_keys').select(['revoked_at', 'expires_at']).where('id', '=', id).executeTakeFirst();
      return row !== undefined && keyStands(row, now) === null;
    },

    async markUsed(uses) {
      for (const [id, at] of uses) {
        await db
          .updateTable('api_keys')
          .set({ last_used_at: at })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute();
      }
    },

    async openSession(principal, expiresAt) {
      const token = randomBytes(32).toString('base64url');
      await db
        .insertInto('console_sessions')
        .values({ token_hash: sha256(token), name: principal.name, role: principal.role, rep_id: principal.repId, key_id: principal.keyId, expires_at: expiresAt })
        .execute();
      return token;
    },

    async findSession(token, now) {
      const row = await db
        .selectFrom('console_sessions')
        .leftJoin('api_keys', 'api_keys.id', 'console_sessions.key_id')
        .select(['console_sessions.name', 'console_sessions.role', 'console_sessions.rep_id', 'console_sessions.key_id', 'console_sessions.expires_at', 'api_keys.revoked_at', 'api_keys.expires_at as key_expires_at'])
        .where('console_sessions.token_hash', '=', sha256(token))
        .executeTakeFirst();
      if (!row || row.expires_at.getTime() <= now.getTime()) return undefined;
      if (row.key_id !== null && keyStands({ revoked_at: row.revoked_at, expires_at: row.key_expires_at }, now) !== null) return undefined;
      return { name: row.name, role: row.role as Role, repId: row.rep_id as RepId | null, keyId: row.key_id };
    },

    async closeSession(token) {
      await db.deleteFrom('console_sessions').where('token_hash', '=', sha256(token)).execute();
    },
  };
}
