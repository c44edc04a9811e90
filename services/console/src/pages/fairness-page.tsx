import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { FairnessReport } from '../api/types.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { TeamSelect } from '../components/team-select.tsx';
import { verdictSentence } from '../format/verdict-sentence.ts';
import { type Period, PeriodPicker, presetPeriod } from '../components/period-picker.tsx';
import { ReportError } from '../components/report-error.tsx';
import { formatPercent, formatSigned } from '../format/format-number.ts';
import { formatDateTime, formatDuration } from '../format/format-time.ts';
import { useResource } from '../hooks/use-resource.ts';

/** The statistical test's verdict on the period, as a banner: green consistent, amber departs, grey nothing to test. */
function Verdict({ test }: { test: FairnessReport['test'] }) {
  const tone = test.pValue === null ? 'grey' : /departs/i.test(test.verdict) ? 'amber' : 'green';
  const sentence = verdictSentence(test.verdict);
  return (
    <div className={`banner tone-${tone}`} data-testid="fairness-verdict">
      <strong>{sentence}</strong>
      {test.pValue !== null && (
        <span className="muted">
          {' '}
          · chi-square test: χ² = {test.statistic.toFixed(2)} with {test.degreesOfFreedom} degree{test.degreesOfFreedom === 1 ? '' : 's'} of freedom
        </span>
      )}
      {test.pValue !== null && test.lowExpectedCounts && (
        <div className="muted" data-testid="fairness-low-counts">
          Some reps expected fewer than 5 leads in this period, so the test says little yet: choose a longer period.
        </div>
      )}
    </div>
  );
}

/** Per rep over a period: leads assigned against the share its weight and eligible time earn. */
export function FairnessPage() {
  const [period, setPeriod] = useState<Period>(() => presetPeriod('7d'));
  // One team by default (the default team): reps of different teams have different weights and
  // rotations, and mixing them raised false alarms. "All teams" stays a choice.
  const [chosenTeam, setTeam] = useState<string | null>(null);
  const teams = useResource(() => api.teams(), []);
  const teamItems = teams.data?.items;
  const team = chosenTeam ?? (teamItems ? (teamItems.find((t) => t.isDefault) ?? teamItems[0])?.id ?? '' : null);
  const report = useResource(() => (team === null ? Promise.resolve(undefined) : api.fairness({ ...period, team: team || undefined })), [period.from, period.to, team]);

  return (
    <>
      <PageHeader title="Fairness" subtitle="Did each rep get the share of leads its weight and time on shift earn?" />
      <div className="filters card">
        <PeriodPicker value={period} onChange={setPeriod} />
        <TeamSelect teams={teams.data?.items ?? []} value={team ?? ''} onChange={setTeam} />
      </div>
      {report.loading && !report.data && <LoadingState what="Computing the fairness report" />}
      {report.error && <ReportError what="fairness report" endpoint="GET /v1/reports/fairness" error={report.error} onRetry={report.reload} />}
      {report.data && !report.error && (
        report.data.reps.length === 0 ? (
          <EmptyState title="No assignments in this period">Pick a longer period, or another team.</EmptyState>
        ) : (
          <>
            <Verdict test={report.data.test} />
            <section className="card">
              <h2>Assigned vs weighted share</h2>
              <BarChart
                label="Assigned share and weighted share per rep"
                groups={report.data.reps.map((r) => ({ label: r.name, values: { actual: r.actualShare, expected: r.expectedShare } }))}
                series={[
                  { key: 'actual', label: 'Assigned share', tone: 'indigo' },
                  { key: 'expected', label: 'Weighted share', tone: 'grey' },
                ]}
                format={(v) => formatPercent(v)}
              />
            </section>
            <section className="card table-card">
              <table className="table">
                <thead>
                  <tr>
                    <th>Rep</th>
                    <th className="num">Weight</th>
                    <th className="num">Eligible</th>
                    <th className="num">Assigned</th>
                    <th className="num">Expected</th>
                    <th className="num">Deviation</th>
                    <th className="num">Assigned / weighted share</th>
                  </tr>
                </thead>
                <tbody>
                  {report.data.reps.map((r) => (
                    <tr key={r.repId}>
                      <td className="rep-name">{r.name}</td>
                      <td className="num">{r.weight}</td>
                      <td className="num">{formatDuration(r.eligibleSeconds * 1000)}</td>
                      <td className="num">{r.assignments}</td>
                      <td className="num">{r.expected.toFixed(1)}</td>
                      <td className={`num ${Math.abs(r.deviation) > 1 ? 'tone-text-amber' : ''}`}>{formatSigned(r.deviation)}</td>
                      <td className="num">
                        {formatPercent(r.actualShare)} <span className="muted small">/ {formatPercent(r.expectedShare)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted small table-note">
                {formatDateTime(report.data.from)} – {formatDateTime(report.data.to)}. Expected: the leads the rep's weight earns for the time it could take leads.
              </p>
            </section>
          </>
        )
      )}
    </>
  );
}
