import type { RepId, ShareLedger, TeamId } from '@switchboard/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';

/**
 * Smooth weighted round robin's running credits, one ledger per team, so that a restart
 * carries on the same rotation instead of starting every rep at 0.
 */
export interface TeamShareLedgerRepository {
  /** Every team's ledger: team id → rep id → credit. */
  loadAll(): Promise<Map<TeamId, Map<RepId, number>>>;
  /**
   * Writes these teams' ledgers, replacing what was stored for them, in one statement.
   * A team that no longer exists is skipped.
   */
  saveMany(entries: Iterable<{ readonly teamId: TeamId; readonly credits: ShareLedger }>): Promise<void>;
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

    async saveMany(entries) {
      // The last ledger given for a team wins; credits that are not finite numbers are dropped
      // (JSON has no NaN). Sorted by team, so that two concurrent saves lock rows in the same order.
      const byTeam = new Map<string, Record<string, number>>();
      for (const { teamId, credits } of entries) {
        byTeam.set(teamId, Object.fromEntries([...credits].filter(([, credit]) => Number.isFinite(credit))));
      }
      const ledgers = [...byTeam]
        .map(([teamId, credits]) => ({ team_id: teamId, credits }))
        .sort((a, b) => (a.team_id < b.team_id ? -1 : a.team_id > b.team_id ? 1 : 0));
      if (ledgers.length === 0) return;
      await sql`
        insert into team_share_ledgers (team_id, credits, updated_at)
        select l.team_id, l.credits, now()
        from jsonb_to_recordset(${JSON.stringify(ledgers)}::jsonb) as l(team_id uuid, credits jsonb)
        where exists (select 1 from teams t where t.id = l.team_id)
        order by l.team_id
        on conflict (team_id) do update set credits = excluded.credits, updated_at = excluded.updated_at`.execute(db);
    },
  };
}
