// How the console writes times and durations: in the viewer's locale and time zone.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOfDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const precise = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** "2 Dec 2026, 14:05". */
export function formatDateTime(iso: string | number): string {
  return dateTime.format(new Date(iso));
}

/** "Dec 2, 14:05:09": event timelines. */
export function formatPreciseTime(iso: string | number): string {
  return precise.format(new Date(iso));
}

/** "Wed 18:00": a shift change this week. */
export function formatWeekdayTime(iso: string | number): string {
  return timeOfDay.format(new Date(iso));
}

/** "120 ms", "45 s", "12 min", "3 h 5 min", "2 d 4 h": a duration for people. */
export function formatDuration(ms: number): string {
  if (Math.abs(ms) < 1000) return `${Math.round(Math.abs(ms))} ms`;
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "3 min ago", "in 2 h", "just now". */
export function formatRelative(iso: string | number, now: number): string {
  const delta = new Date(iso).getTime() - now;
  if (Math.abs(delta) < 5000) return 'just now';
  return delta < 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(delta)}`;
}

/** "04:59", "1:02:03": a countdown clock. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A value for `<input type="datetime-local">` in the viewer's zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
