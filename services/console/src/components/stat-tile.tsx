import type { ReactNode } from 'react';

/** One number that matters, with its label: the top row of a page. */
export function StatTile({ label, value, tone, hint }: { label: string; value: ReactNode; tone?: string; hint?: ReactNode }) {
  return (
    <div className={`stat-tile${tone ? ` tone-border-${tone}` : ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}
