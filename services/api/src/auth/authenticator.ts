import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger, Principal } from '@switchboard/core';
import type { CredentialRepository, KeyRefusal } from '@switchboard/store';

/** The name the bootstrap key goes by in the audit log and the key list. */
export const BOOTSTRAP_KEY_NAME = 'SWITCHBOARD_ADMIN_KEY';
const BOOTSTRAP_PRINCIPAL: Principal = { name: BOOTSTRAP_KEY_NAME, role: 'admin', repId: null, keyId: null };

/**
 * The key of an `Authorization: Bearer <key>` header; undefined when the header is not one (the
 * access control refuses it, the rate limits count it against the address).
 */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/**
 * A verified key is trusted this long before its row is read again (a cheap read, no hash): a
 * key revoked in another API process stops working within it; in this one, at once.
 */
const RECHECK_MS = 1000;
/** A verified key is forgotten after this long unused (scrypt runs again then). */
const FORGET_MS = 10 * 60_000;
/** How often the last use of each key is written. */
const MARK_USED_EVERY_MS = 5_000;
/** At most this many verified keys are kept. */
const MAX_CACHED = 10_000;

interface Cached {
  readonly principal: Principal;
  checkedAt: number;
  usedAt: number;
}

/** Why a credential was refused, in words that say what to do. */
export function refusalMessage(refusal: KeyRefusal | 'missing'): string {
  switch (refusal) {
    case 'missing':
      return 'this needs an API key: send "Authorization: Bearer <key>" (create keys with POST /v1/keys or `switchboard keys create`)';
    case 'malformed':
      return 'the API key is not one Switchboard issued (keys look like sbk_<32 hex>_<43 characters>); check for a truncated copy';
    case 'unknown':
      return 'the API key is not known: it may be mistyped, or from another Switchboard';
    case 'revoked':
      return 'the API key was revoked; ask an admin for a new one';
    case 'expired':
      return 'the API key has expired; ask an admin for a new one';
  }
}

/**
 * Checks presented keys: the bootstrap key (`SWITCHBOARD_ADMIN_KEY`) in constant time, stored
 * keys against their scrypt hash once, then from a cache keyed by the key's SHA-256 (a hash per
 * request would cost 40 ms of CPU). Records each key's last use, batched.
 */
export class Authenticator {
  readonly #credentials: CredentialRepository;
  readonly #bootstrapDigest: Buffer | undefined;
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #cache = new Map<string, Cached>();
  readonly #used = new Map<string, Date>();
  #markTimer: NodeJS.Timeout | undefined;

  constructor(options: { credentials: CredentialRepository; bootstrapKey?: string | undefined; clock?: () => number; logger: Logger }) {
    this.#credentials = options.credentials;
    this.#bootstrapDigest = options.bootstrapKey === undefined ? undefined : digest(options.bootstrapKey);
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger;
  }

  /** The caller a key stands for, or why it is refused. */
  async authenticate(presented: string): Promise<{ ok: true; principal: Principal } | { ok: false; refusal: KeyRefusal }> {
    const hash = digest(presented);
    if (this.#isBootstrap(hash)) return { ok: true, principal: BOOTSTRAP_PRINCIPAL };
    const now = this.#clock();
    const cacheKey = hash.toString('base64url');
    const cached = this.#cache.get(cacheKey);
    if (cached && now - cached.usedAt < FORGET_MS) {
      if (now - cached.checkedAt >= RECHECK_MS) {
        if (!(await this.#credentials.stillValid(cached.principal.keyId as string, new Date(now)))) {
          this.#cache.delete(cacheKey);
          return this.#verify(presented, cacheKey, now);
        }
        cached.checkedAt = now;
      }
      cached.usedAt = now;
      this.#noteUse(cached.principal, now);
      return { ok: true, principal: cached.principal };
    }
    return this.#verify(presented, cacheKey, now);
  }

  async #verify(presented: string, cacheKey: string, now: number) {
    const check = await this.#credentials.verify(presented, new Date(now));
    if (!check.ok) return check;
    if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(cacheKey, { principal: check.principal, checkedAt: now, usedAt: now });
    this.#noteUse(check.principal, now);
    return check;
  }

  /** The caller a key stands for if this process verified it lately (no database, no hash): for rate limits. */
  knownPrincipal(presented: string): Principal | undefined {
    const hash = digest(presented);
    if (this.#isBootstrap(hash)) return BOOTSTRAP_PRINCIPAL;
    return this.#cache.get(hash.toString('base64url'))?.principal;
  }

  /** Whether a key's digest is the bootstrap key's (in constant time). */
  #isBootstrap(hash: Buffer): boolean {
    return this.#bootstrapDigest !== undefined && timingSafeEqual(hash, this.#bootstrapDigest);
  }

  /** A key was revoked here: it stops working now, not after the re-check interval. */
  forget(keyId: string): void {
    for (const [key, entry] of this.#cache) if (entry.principal.keyId === keyId) this.#cache.delete(key);
  }

  #noteUse(principal: Principal, now: number): void {
    if (principal.keyId === null) return;
    this.#used.set(principal.keyId, new Date(now));
    this.#markTimer ??= setTimeout(() => void this.flush(), MARK_USED_EVERY_MS).unref();
  }

  /** Writes the last uses noted so far (on a timer, and on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.#markTimer);
    this.#markTimer = undefined;
    if (this.#used.size === 0) return;
    const uses = new Map(this.#used);
    this.#used.clear();
    await this.#credentials.markUsed(uses).catch((error: unknown) => this.#logger.warn({ err: error }, 'recording when API keys were last used failed'));
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
