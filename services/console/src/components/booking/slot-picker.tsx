import { useId, useState } from 'react';
import type { OfferedSlot } from '../../api/types.ts';
import { formatMeetingDay, formatShortDay, formatTimeOfDay } from '../../format/meeting-time.ts';
import { DayTabs, type SlotDay } from './day-tabs.tsx';

/** The slots by day, in order. The API writes each start in the shown zone, so its date part is the local day. */
function byDay(slots: ReadonlyArray<OfferedSlot>): Map<string, OfferedSlot[]> {
  const days = new Map<string, OfferedSlot[]>();
  for (const slot of slots) {
    const date = slot.start.slice(0, 10);
    days.set(date, [...(days.get(date) ?? []), slot]);
  }
  return days;
}

/** The free slots: a tab per day, the day's start times as buttons; picking one goes on to the confirmation. */
export function SlotPicker({ slots, zone, onPick }: { slots: ReadonlyArray<OfferedSlot>; zone: string; onPick: (slot: OfferedSlot) => void }) {
  const id = useId();
  const [chosen, setChosen] = useState<string | null>(null);
  const grouped = byDay(slots);
  const days: SlotDay[] = [...grouped].map(([date, daySlots]) => ({
    date,
    label: formatShortDay(daySlots[0]!.start, zone),
    panelId: `${id}-panel-${date}`,
    tabId: `${id}-tab-${date}`,
  }));
  // The day picked before, unless it has no slots left (a fresh list after a slot was taken).
  const day = days.find((d) => d.date === chosen) ?? days[0];
  if (!day) return null;
  const daySlots = grouped.get(day.date)!;
  const dayName = formatMeetingDay(daySlots[0]!.start, zone);
  return (
    <div className="slot-picker">
      <DayTabs days={days} selected={day.date} onSelect={setChosen} />
      <div className="slot-panel" role="tabpanel" id={day.panelId} aria-labelledby={day.tabId}>
        <h2>{dayName}</h2>
        <ul className="slot-grid">
          {daySlots.map((slot) => {
            const time = formatTimeOfDay(slot.start, zone);
            return (
              <li key={slot.start}>
                <button type="button" className="button slot-button" data-start={slot.start} aria-label={`${time}, ${dayName}`} onClick={() => onPick(slot)}>
                  {time}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
