import { type KeyboardEvent, useRef } from 'react';

/** A day that has free slots: its date (`2026-12-07`, in the shown zone) and its label. */
export interface SlotDay {
  readonly date: string;
  readonly label: string;
  /** The id of the panel listing its times, for `aria-controls`. */
  readonly panelId: string;
  readonly tabId: string;
}

/** The days with free slots, as tabs (arrow keys move between them, as the ARIA tabs pattern has it). */
export function DayTabs({ days, selected, onSelect }: { days: ReadonlyArray<SlotDay>; selected: string; onSelect: (date: string) => void }) {
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const move = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (index + step + days.length) % days.length;
    onSelect(days[next]!.date);
    tabs.current[next]?.focus();
  };
  return (
    <div className="day-tabs" role="tablist" aria-label="Days">
      {days.map((day, index) => (
        <button
          key={day.date}
          ref={(element) => {
            tabs.current[index] = element;
          }}
          type="button"
          role="tab"
          id={day.tabId}
          aria-selected={day.date === selected}
          aria-controls={day.panelId}
          tabIndex={day.date === selected ? 0 : -1}
          className="day-tab"
          onClick={() => onSelect(day.date)}
          onKeyDown={(event) => move(event, index)}
        >
          {day.label}
        </button>
      ))}
    </div>
  );
}
