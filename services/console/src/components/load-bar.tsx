/** A rep's active leads against its cap; without a cap, the count alone. */
export function LoadBar({ active, cap }: { active: number; cap: number | null }) {
  if (cap === null) {
    return (
      <div className="load" title="No cap on active leads">
        <span className="load-text">
          <strong>{active}</strong> active · no cap
        </span>
      </div>
    );
  }
  const share = cap === 0 ? 1 : Math.min(1, active / cap);
  const tone = share >= 1 ? 'red' : share >= 0.8 ? 'amber' : 'green';
  return (
    <div className="load" title={`${active} of ${cap} active leads`}>
      <div className="load-track" role="meter" aria-valuemin={0} aria-valuemax={cap} aria-valuenow={active} aria-label="Active leads">
        <div className={`load-fill tone-${tone}`} style={{ width: `${share * 100}%` }} />
      </div>
      <span className="load-text">
        <strong>{active}</strong> / {cap}
      </span>
    </div>
  );
}
