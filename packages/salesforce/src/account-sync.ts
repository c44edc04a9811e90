import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';
import { accountDomainSchema, type CreateAccount, type Logger, ValidationError } from '@switchboard/core';
import type { AccountRepository, RepRepository, SalesforceRepository } from '@switchboard/store';
import { afterWatermark } from './lead-ingest.ts';
import type { SalesforceClient, SalesforceRecord } from './salesforce-client.ts';
import { parseSalesforceDatetime, soqlString } from './salesforce-id.ts';
import type { UserDirectory } from './user-directory.ts';

/** What one account sync did. */
export interface AccountSyncReport {
  readonly read: number;
  readonly written: number;
  readonly failed: number;
}

/** What the account sync needs. */
export interface AccountSyncDeps {
  readonly client: () => SalesforceClient;
  readonly repository: SalesforceRepository;
  readonly accounts: AccountRepository;
  readonly reps: RepRepository;
  readonly users: UserDirectory;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly logger: Logger;
  /** Only records stamped before this are read (see `afterWatermark`). */
  readonly cutoff: () => Date;
}

/** The domain of an Account's Website (`https://www.acme.com/about` → `acme.com`), if it is one an account may have. */
export function websiteDomain(website: unknown): string | undefined {
  if (typeof website !== 'string' || website.trim() === '') return undefined;
  let host: string;
  try {
    host = new URL(/^[a-z]+:\/\//i.test(website.trim()) ? website.trim() : `https://${website.trim()}`).hostname;
  } catch {
    return undefined;
  }
  const parsed = accountDomainSchema.safeParse(host);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Reads Accounts changed since the watermark (all of them the first time) with their
 * Website and OwnerId into Switchboard's accounts (by name), for lead-to-account matching;
 * the owner becomes the rep whose `salesforceUserId` it is, or whose email the owning
 * User has. Then the router reloads its account index.
 */
export function createAccountSync(deps: AccountSyncDeps): { sync(): Promise<AccountSyncReport> } {
  const { repository, accounts, reps, users, bus, subjects, logger } = deps;

  const ownersOf = async (records: SalesforceRecord[]): Promise<Map<string, string>> => {
    const allReps = await reps.listAll();
    // Rep ids by User Id: the reps' own salesforceUserId, or the User their email matches.
    const userToRep = new Map<string, string>();
    const resolved = await users.resolve(allReps.filter((r) => r.active));
    for (const rep of allReps) {
      const userId = rep.salesforceUserId ?? resolved.get(rep.id);
      if (userId) userToRep.set(userId.slice(0, 15), rep.id);
    }
    const owners = new Map<string, string>();
    const unknown = [...new Set(records.map((r) => String(r.OwnerId ?? '')).filter((id) => id && !userToRep.has(id.slice(0, 15))))];
    for (let i = 0; i < unknown.length; i += 100) {
      // Owners no rep maps to by Id: look their email up (a rep's email may match an inactive User too).
      const chunk = unknown.slice(i, i + 100);
      const found = await deps.client().queryAll(`SELECT Id, Email FROM User WHERE Id IN (${chunk.map(soqlString).join(', ')})`);
      for (const user of found) {
        const rep = allReps.find((r) => typeof user.Email === 'string' && r.email.toLowerCase() === user.Email.toLowerCase());
        if (rep) userToRep.set(user.Id.slice(0, 15), rep.id);
      }
    }
    for (const record of records) {
      const rep = userToRep.get(String(record.OwnerId ?? '').slice(0, 15));
      if (rep) owners.set(record.Id, rep);
    }
    return owners;
  };

  const importPage = async (records: SalesforceRecord[]): Promise<{ written: number; failed: number }> => {
    const owners = await ownersOf(records);
    const rows: CreateAccount[] = records
      .filter((r) => typeof r.Name === 'string' && r.Name.trim() !== '')
      .map((r) => {
        const domain = websiteDomain(r.Website);
        return { name: String(r.Name).trim(), domains: domain ? [domain] : [], ownerId: (owners.get(r.Id) ?? null) as CreateAccount['ownerId'] };
      });
    try {
      await accounts.importMany(rows);
      return { written: rows.length, failed: 0 };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // One bad row (a domain another account has) must not hold back the rest: one by one.
      let written = 0;
      let failed = 0;
      for (const row of rows) {
        try {
          await accounts.importMany([row]);
          written++;
        } catch (rowError) {
          failed++;
          logger.warn({ account: row.name, problem: (rowError as Error).message }, 'a Salesforce Account was not imported');
        }
      }
      return { written, failed };
    }
  };

  return {
    async sync() {
      let read = 0;
      let written = 0;
      let failed = 0;
      const watermark = await repository.watermark('Account');
      const cutoff = deps.cutoff();
      const where = watermark
        ? ` WHERE ${afterWatermark('SystemModstamp', watermark.at, watermark.id, cutoff)}`
        : ` WHERE SystemModstamp < ${cutoff.toISOString()}`;
      await deps.client().queryPages(`SELECT Id, Name, Website, OwnerId, SystemModstamp FROM Account${where} ORDER BY SystemModstamp, Id`, async (records) => {
        if (records.length === 0) return;
        read += records.length;
        const result = await importPage(records);
        written += result.written;
        failed += result.failed;
        const last = records.at(-1) as SalesforceRecord;
        await repository.setWatermark('Account', { at: parseSalesforceDatetime(String(last.SystemModstamp)), id: last.Id });
      });
      if (written > 0) {
        // The router matches leads against its in-memory account index: have it reload.
        await bus.request(subjects.policyCommand, encodeJson({ type: 'policy.sync' }), { timeoutMs: 10_000 }).catch((error: unknown) => {
          logger.warn({ err: error }, 'no router answered after the account sync; it loads the accounts when it starts');
        });
      }
      if (read > 0) logger.info({ read, written, failed }, 'Salesforce accounts synced');
      return { read, written, failed };
    },
  };
}
