/** Shown while a page's first load runs. */
export function LoadingState({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state-box loading" role="status">
      <span className="spinner" aria-hidden />
      {what}…
    </div>
  );
}
