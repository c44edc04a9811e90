import {
  type AccountIndex,
  buildAccountIndex,
  compileRoutingPolicy,
  type LeadAccount,
  type LeadFacts,
  matchAccount,
  repRefIndex,
  type RoutingConfig,
  type RoutingPolicy,
  type RepId,
  type ShareLedger,
  type TeamId,
} from '@switchboard/core';
import type { AccountRepository, ConfigVersionRepository, LeadRepository, TeamShareLedgerRepository } from '@switchboard/store';
import { AssignmentCounter, windowStarts } from './assignment-counts.ts';
import type { RepActors } from './rep-actors.ts';
import type { TeamDirectory } from './team-directory.ts';

export interface PolicyStateOptions {
  readonly configs: ConfigVersionRepository;
  readonly accounts: AccountRepository;
  readonly ledgers: TeamShareLedgerRepository;
  readonly leads: LeadRepository;
  readonly teams: TeamDirectory;
  readonly reps: RepActors;
  readonly clock: () => number;
  /**
   * Every rep the configuration may name, by id and email. A partition's router hosts only
   * its own reps, but resolves the configuration against all of them, as every router must to
   * agree on the partitions. @default the reps hosted
   */
  readonly repDirectory?: () => Iterable<{ readonly id: RepId; readonly email: string }>;
}

const EMPTY_LEDGER: ShareLedger = new Map();

/**
 * The router's side of the routing policy: the compiled configuration, the account index,
 * weighted round robin's ledgers and the assignment counts load balancing needs. Reloaded
 * when the API applies a configuration or changes teams or accounts, so that the change
 * takes effect for the next lead without a restart.
 */
export class PolicyState {
  readonly #o: PolicyStateOptions;
  #config: { config: RoutingConfig; version: number } | null = null;
  #policy: RoutingPolicy | undefined;
  #accounts: AccountIndex = buildAccountIndex([]);
  #accountOwners: ReadonlyArray<RepId> = [];
  readonly #ledgers = new Map<TeamId, ShareLedger>();
  readonly counts = new AssignmentCounter();

  constructor(options: PolicyStateOptions) {
    this.#o = options;
  }

  /** Reads the current configuration, accounts, ledgers and this month's assignment counts. */
  async load(): Promise<void> {
    const now = this.#o.clock();
    for (const [teamId, ledger] of await this.#o.ledgers.loadAll()) this.#ledgers.set(teamId, ledger);
    const starts = windowStarts(now);
    for (const row of await this.#o.leads.countAssignmentsSince(starts)) {
      this.counts.seed(row.repId, { day: row.day, week: row.week, month: row.month }, now);
    }
    await this.reload();
  }

  /** Re-reads the configuration and the accounts, and recompiles the policy. */
  async reload(): Promise<void> {
    const current = await this.#o.configs.current();
    this.#config = current ? { config: current.document as RoutingConfig, version: current.version } : null;
    const accounts = await this.#o.accounts.all();
    this.#accounts = buildAccountIndex(accounts);
    this.#accountOwners = [...new Set(accounts.flatMap((account) => (account.ownerId ? [account.ownerId] : [])))];
    this.recompile();
  }

  /** The reps that own an account (as of the last load): the targets of an account-owner rule. */
  get accountOwners(): ReadonlyArray<RepId> {
    return this.#accountOwners;
  }

  /** Recompiles after teams or reps changed (the configuration refers to them by name). */
  recompile(): void {
    this.#policy = compileRoutingPolicy(this.#config?.config ?? null, this.#config?.version ?? null, {
      teams: this.#o.teams.all(),
      repIdOf: repRefIndex(this.#o.repDirectory?.() ?? Array.from(this.#o.reps.values(), (entry) => entry.profile)),
    });
  }

  get policy(): RoutingPolicy {
    if (!this.#policy) throw new Error('the routing policy is not loaded; call load() first');
    return this.#policy;
  }

  /** The account a lead belongs to, if any. */
  accountFor(lead: LeadFacts): LeadAccount | null {
    const match = matchAccount(this.#accounts, lead);
    if (!match) return null;
    return {
      accountId: match.account.id,
      accountName: match.account.name,
      ownerId: match.account.ownerId,
      matchedBy: match.matchedBy,
      key: match.key,
    };
  }

  ledgerOf = (teamId: TeamId): ShareLedger => this.#ledgers.get(teamId) ?? EMPTY_LEDGER;

  /** Keeps a team's new ledger; it is stored with the write of the assignment that moved it. */
  keepLedger(teamId: TeamId, ledger: ShareLedger): void {
    this.#ledgers.set(teamId, ledger);
  }
}
