import type { ReactNode } from 'react';

/** Shown when there is nothing to list yet, saying how to get something there. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state-box empty">
      <strong>{title}</strong>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}
