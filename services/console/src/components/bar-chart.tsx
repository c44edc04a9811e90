/** One kind of bar, e.g. "assigned share". */
export interface BarSeries {
  readonly key: string;
  readonly label: string;
  /** A colour name from the stylesheet: indigo, green, amber, red, grey, blue. */
  readonly tone: string;
}

/** One group of bars, e.g. one rep. */
export interface BarGroup {
  readonly label: string;
  readonly values: Readonly<Record<string, number | null>>;
}

/**
 * Horizontal grouped bars: a label per group on the left, one bar per series. Hand-written
 * (a chart library would be most of the console's bundle for this one picture).
 */
export function BarChart({
  groups,
  series,
  format,
  max,
  label,
  emptyText = 'Nothing to draw for this period yet.',
}: {
  groups: ReadonlyArray<BarGroup>;
  series: ReadonlyArray<BarSeries>;
  format: (value: number) => string;
  /** The value of a full-width bar. @default the largest value */
  max?: number;
  /** What the chart shows, for screen readers. */
  label: string;
  /** Said instead of the chart when every value is empty or zero. */
  emptyText?: string;
}) {
  const top = max ?? Math.max(0, ...groups.flatMap((g) => series.map((s) => g.values[s.key] ?? 0)));
  if (!groups.some((g) => series.some((s) => (g.values[s.key] ?? 0) > 0))) return <p className="muted chart-empty">{emptyText}</p>;
  return (
    <figure className="bar-chart" aria-label={label}>
      <div className="chart-legend">
        {series.map((s) => (
          <span key={s.key} className="legend-item">
            <span className={`legend-swatch tone-${s.tone}`} />
            {s.label}
          </span>
        ))}
      </div>
      <div className="chart-rows">
        {groups.map((group) => (
          <div key={group.label} className="chart-row">
            <div className="chart-label" title={group.label}>
              {group.label}
            </div>
            <div className="chart-bars">
              {series.map((s) => {
                const value = group.values[s.key];
                const width = value === null || value === undefined || top <= 0 ? 0 : Math.max(0, Math.min(1, value / top)) * 100;
                return (
                  <div key={s.key} className="chart-bar-line" title={`${s.label}: ${value === null || value === undefined ? '–' : format(value)}`}>
                    <div className={`chart-bar tone-${s.tone}`} style={{ width: `${width}%` }} />
                    <span className="chart-value">{value === null || value === undefined ? '–' : format(value)}</span>
                  </div>
                );
              })}
            </div>
          </div>
        ))}
      </div>
    </figure>
  );
}
