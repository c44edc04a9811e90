import { useId } from 'react';
import { timeZoneChoices } from '../../format/time-zones.ts';

/** Which time zone the times are shown in: the browser's at first, any IANA zone by choice. */
export function TimeZonePicker({ zone, onChange }: { zone: string; onChange: (zone: string) => void }) {
  const id = useId();
  return (
    <div className="zone-picker">
      <label htmlFor={id}>Time zone</label>
      <select id={id} value={zone} onChange={(event) => onChange(event.target.value)}>
        {timeZoneChoices(zone).map((choice) => (
          <option key={choice} value={choice}>
            {choice.replaceAll('_', ' ')}
          </option>
        ))}
      </select>
    </div>
  );
}
