import type { ReactNode } from 'react';

/** Shown when a load failed: what failed, the API's message, and a retry. */
export function ErrorState({ title, error, hint, onRetry }: { title: string; error: Error; hint?: ReactNode; onRetry?: () => void }) {
  return (
    <div className="state-box error" role="alert">
      <strong>{title}</strong>
      <p>{error.message}</p>
      {hint && <p className="muted">{hint}</p>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
