import type { RepId, TeamId } from '@switchboard/core';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/**
 * Smooth weighted round robin's running credits, one ledger per team, so that a restart
 * carries on the same rotation instead of starting every rep at 0. They are written by the
 * routing writer, with each assignment that moved them (fenced like it).
 */
export interface TeamShareLedgerRepository {
  /** Every team's ledger: team id → rep id → credit. */
  loadAll(): Promise<Map<TeamId, Map<RepId, number>>>;
}

/** Creates the PostgreSQL share ledger repository. */
export function createTeamShareLedgerRepository(db: Kysely<Database>): TeamShareLedgerRepository {
  return {
    async loadAll() {
      const rows = await db.selectFrom('team_share_ledgers').select(['team_id', 'credits']).execute();
      return new Map(
        rows.map((row) => [row.team_id as TeamId, new Map(Object.entries(row.credits).map(([repId, credit]) => [repId as RepId, credit]))]),
      );
    },
  };
}
