import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { type Period, PeriodPicker, presetPeriod } from '../components/period-picker.tsx';
import { ReportError } from '../components/report-error.tsx';
import { StatTile } from '../components/stat-tile.tsx';
import { formatPercent } from '../format/format-number.ts';
import { formatDuration } from '../format/format-time.ts';
import { useResource } from '../hooks/use-resource.ts';

const seconds = (s: number | null) => (s === null ? '–' : formatDuration(s * 1000));

/** Per team over a period: leads, breaches, and how fast reps touched them. */
export function SlaPage() {
  const [period, setPeriod] = useState<Period>(() => presetPeriod('7d'));
  const report = useResource(() => api.sla(period), [period.from, period.to]);
  const teams = report.data?.teams ?? [];
  const total = teams.reduce((t, r) => ({ leads: t.leads + r.leads, touched: t.touched + r.touched, breaches: t.breaches + r.breaches }), { leads: 0, touched: 0, breaches: 0 });

  return (
    <>
      <PageHeader title="SLA" subtitle="Per team: how fast leads were touched, and how many ran out of time." />
      <div className="filters card">
        <PeriodPicker value={period} onChange={setPeriod} />
      </div>
      {report.loading && !report.data && <LoadingState what="Computing the SLA report" />}
      {report.error && <ReportError what="SLA report" endpoint="GET /v1/reports/sla" error={report.error} onRetry={report.reload} />}
      {report.data && !report.error && (
        teams.length === 0 ? (
          <EmptyState title="No leads in this period">Pick a longer period.</EmptyState>
        ) : (
          <>
            <section className="stat-row">
              <StatTile label="Leads" value={total.leads} tone="indigo" hint="received in the period" />
              <StatTile label="Touched" value={total.touched} tone="green" hint={`${formatPercent(total.leads ? total.touched / total.leads : null)} of leads`} />
              <StatTile label="Breaches" value={total.breaches} tone={total.breaches ? 'red' : 'grey'} hint="SLAs that ran out" />
            </section>
            <div className="columns even">
              <section className="card">
                <h2>Time to first touch</h2>
                <BarChart
                  label="Median and 90th percentile time to first touch per team"
                  groups={teams.map((t) => ({ label: t.teamName, values: { median: t.medianFirstTouchSeconds, p90: t.p90FirstTouchSeconds } }))}
                  series={[
                    { key: 'median', label: 'Median', tone: 'indigo' },
                    { key: 'p90', label: '90th percentile', tone: 'amber' },
                  ]}
                  format={(v) => formatDuration(v * 1000)}
                  emptyText="No lead was touched in this period yet."
                />
              </section>
              <section className="card">
                <h2>Breaches</h2>
                <BarChart
                  label="Breaches per team"
                  groups={teams.map((t) => ({ label: t.teamName, values: { breaches: t.breaches } }))}
                  series={[{ key: 'breaches', label: 'SLA breaches', tone: 'red' }]}
                  format={(v) => String(v)}
                  emptyText="No SLA ran out in this period."
                />
              </section>
            </div>
            <section className="card table-card">
              <table className="table">
                <thead>
                  <tr>
                    <th>Team</th>
                    <th className="num">Leads</th>
                    <th className="num">Touched</th>
                    <th className="num">Breaches</th>
                    <th className="num">Breach rate</th>
                    <th className="num">Median first touch</th>
                    <th className="num">p90 first touch</th>
                  </tr>
                </thead>
                <tbody>
                  {teams.map((t) => (
                    <tr key={t.teamId}>
                      <td className="rep-name">{t.teamName}</td>
                      <td className="num">{t.leads}</td>
                      <td className="num">{t.touched}</td>
                      <td className={`num ${t.breaches ? 'tone-text-red' : ''}`}>{t.breaches}</td>
                      <td className="num">{formatPercent(t.leads ? t.breaches / t.leads : null)}</td>
                      <td className="num">{seconds(t.medianFirstTouchSeconds)}</td>
                      <td className="num">{seconds(t.p90FirstTouchSeconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        )
      )}
    </>
  );
}
