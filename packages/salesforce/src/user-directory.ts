import type { Logger } from '@switchboard/core';
import type { SalesforceClient } from './salesforce-client.ts';
import { soqlString } from './salesforce-id.ts';

/** The rep fields the mapping reads. */
export interface RepForMapping {
  readonly id: string;
  readonly email: string;
  readonly salesforceUserId: string | null;
}

/** Maps reps to Salesforce Users: the rep's `salesforceUserId`, else the active User with its email (cached). */
export interface UserDirectory {
  /** The User Id of each rep; undefined for a rep no active User matches. */
  resolve(reps: ReadonlyArray<RepForMapping>): Promise<Map<string, string | undefined>>;
  /** Forgets what the cache says about a User (it was found inactive). */
  forget(userId: string): void;
}

/** Options of `createUserDirectory`. */
export interface UserDirectoryOptions {
  /** How long an email → User answer is kept. @default 600000 (10 minutes) */
  readonly ttlMs?: number;
  readonly clock?: () => number;
}

/** Creates the rep → User directory. */
export function createUserDirectory(client: () => SalesforceClient, logger: Logger, options: UserDirectoryOptions = {}): UserDirectory {
  const ttl = options.ttlMs ?? 600_000;
  const clock = options.clock ?? Date.now;
  const byEmail = new Map<string, { readonly userId: string | undefined; readonly at: number }>();
  return {
    async resolve(reps) {
      const now = clock();
      const missing = [
        ...new Set(
          reps.filter((r) => !r.salesforceUserId).map((r) => r.email.toLowerCase()).filter((e) => {
            const hit = byEmail.get(e);
            return !hit || now - hit.at > ttl;
          }),
        ),
      ];
      for (let i = 0; i < missing.length; i += 100) {
        const chunk = missing.slice(i, i + 100);
        const users = await client().queryAll(
          `SELECT Id, Email FROM User WHERE IsActive = true AND Email IN (${chunk.map(soqlString).join(', ')}) ORDER BY Id`,
        );
        for (const email of chunk) byEmail.set(email, { userId: undefined, at: now });
        for (const user of users.reverse()) {
          // Ordered by Id and reversed: the oldest User with an email wins.
          if (typeof user.Email === 'string') byEmail.set(user.Email.toLowerCase(), { userId: user.Id, at: now });
        }
        const unmatched = chunk.filter((e) => byEmail.get(e)?.userId === undefined);
        if (unmatched.length > 0) logger.warn({ emails: unmatched }, 'no active Salesforce User has these reps’ emails; set salesforceUserId on the reps');
      }
      return new Map(reps.map((r) => [r.id, r.salesforceUserId ?? byEmail.get(r.email.toLowerCase())?.userId]));
    },
    forget(userId) {
      for (const [email, entry] of byEmail) if (entry.userId === userId) byEmail.delete(email);
    },
  };
}
