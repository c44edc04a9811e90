import { ApiError } from '../api/api-client.ts';
import { ErrorState } from './error-state.tsx';

/** A report that failed to load; says plainly when this server has no such report. */
export function ReportError({ what, endpoint, error, onRetry }: { what: string; endpoint: string; error: Error; onRetry: () => void }) {
  const missing = error instanceof ApiError && error.status === 404 && error.code === 'not_found' && /no route/i.test(error.message);
  return (
    <ErrorState
      title={missing ? `The ${what} is not available on this server` : `Could not load the ${what}`}
      error={error}
      hint={missing ? `This server does not answer ${endpoint} yet; update Switchboard to a version that has it.` : undefined}
      onRetry={onRetry}
    />
  );
}
