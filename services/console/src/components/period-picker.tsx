import { useState } from 'react';
import { toLocalInput } from '../format/format-time.ts';

/** A reporting period, as ISO 8601 instants. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

const PRESETS = [
  { key: '24h', label: 'Last 24 h', ms: 24 * 3600_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
] as const;

/** The period ending now that a preset names. */
export function presetPeriod(key: '24h' | '7d' | '30d', now = Date.now()): Period {
  const preset = PRESETS.find((p) => p.key === key)!;
  return { from: new Date(now - preset.ms).toISOString(), to: new Date(now).toISOString() };
}

/** Presets (last 24 h, 7 days, 30 days) or a custom from–to, in the viewer's time zone. */
export function PeriodPicker({ value, onChange }: { value: Period; onChange: (period: Period) => void }) {
  const [preset, setPreset] = useState<string>('7d');
  const [from, setFrom] = useState(() => toLocalInput(Date.parse(value.from)));
  const [to, setTo] = useState(() => toLocalInput(Date.parse(value.to)));
  const choose = (key: (typeof PRESETS)[number]['key']) => {
    const period = presetPeriod(key);
    setPreset(key);
    setFrom(toLocalInput(Date.parse(period.from)));
    setTo(toLocalInput(Date.parse(period.to)));
    onChange(period);
  };
  const applyCustom = () => {
    const start = new Date(from);
    const end = new Date(to);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) return;
    setPreset('custom');
    onChange({ from: start.toISOString(), to: end.toISOString() });
  };
  return (
    <div className="period-picker">
      <div className="segmented" role="group" aria-label="Period">
        {PRESETS.map((p) => (
          <button key={p.key} type="button" className={preset === p.key ? 'active' : ''} onClick={() => choose(p.key)}>
            {p.label}
          </button>
        ))}
      </div>
      <label>
        From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="button" className="button" onClick={applyCustom} disabled={!from || !to || new Date(from) >= new Date(to)}>
        Apply
      </button>
    </div>
  );
}
