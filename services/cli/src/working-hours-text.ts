import { minutesOfDay, type WeeklySchedule, WEEKDAYS, type Weekday, type WorkingInterval } from '@switchboard/core';
import { InvalidArgumentError } from 'commander';

/**
 * Working hours as people type them on a command line, one spec per group of days:
 *
 *   mon-fri 09:00-17:00
 *   mon-thu 09:00-12:30,13:30-18:00   fri 09:00-15:00
 *   sat,sun 10:00-14:00
 *   mon-fri 22:00-06:00               (overnight: the hours after midnight fall on the next day)
 *   always                            (no schedule: always on shift)
 *
 * Days not named are days off. The API checks the result as it checks any schedule.
 */
export const WORKING_HOURS_SYNTAX = '"mon-fri 09:00-17:00", several as "mon-thu 09:00-18:00" "fri 09:00-15:00", or "always"';

/** The schedule the specs describe, or null for `always`. @throws InvalidArgumentError naming the part that is wrong. */
export function parseWorkingHours(specs: ReadonlyArray<string>): WeeklySchedule | null {
  const words = specs.map((spec) => spec.trim()).filter((spec) => spec !== '');
  if (words.length === 1 && words[0]?.toLowerCase() === 'always') return null;
  if (words.length === 0) throw new InvalidArgumentError(`give the working hours, e.g. ${WORKING_HOURS_SYNTAX}`);
  const days = new Map<Weekday, WorkingInterval[]>();
  const add = (day: Weekday, interval: WorkingInterval) => days.set(day, [...(days.get(day) ?? []), interval]);
  for (const spec of words) {
    const match = /^(\S+)\s+(\S+)$/.exec(spec);
    if (!match) throw new InvalidArgumentError(`"${spec}": write days, a space, then hours, e.g. "mon-fri 09:00-17:00"`);
    const [, dayPart, hourPart] = match as unknown as [string, string, string];
    const named = parseDays(dayPart, spec);
    for (const range of hourPart.split(',')) {
      const [from, to, extra] = range.split('-');
      const [start, end] = [minutesOfDay(from ?? ''), minutesOfDay(to ?? '')];
      if (extra !== undefined || start === undefined || end === undefined || from === undefined || to === undefined) {
        throw new InvalidArgumentError(`"${range}" in "${spec}": hours must be HH:MM-HH:MM on a 24-hour clock, e.g. 09:00-17:00`);
      }
      if (start === end) throw new InvalidArgumentError(`"${range}" in "${spec}": starts and ends at the same time`);
      for (const day of named) {
        if (start < end) {
          add(day, { from, to });
        } else {
          // Past midnight: until midnight on this day, the rest on the next.
          add(day, { from, to: '24:00' });
          if (end > 0) add(WEEKDAYS[(WEEKDAYS.indexOf(day) + 1) % 7] as Weekday, { from: '00:00', to });
        }
      }
    }
  }
  const schedule: Partial<Record<Weekday, WorkingInterval[]>> = {};
  for (const day of WEEKDAYS) {
    const intervals = days.get(day);
    if (intervals) schedule[day] = [...intervals].sort((a, b) => (minutesOfDay(a.from) ?? 0) - (minutesOfDay(b.from) ?? 0));
  }
  return schedule;
}

const DAY_NAMES: Readonly<Record<Weekday, string>> = { mon: 'monday', tue: 'tuesday', wed: 'wednesday', thu: 'thursday', fri: 'friday', sat: 'saturday', sun: 'sunday' };

/** "mon-fri", "sat,sun", "mon-wed,fri": the days a spec names. */
function parseDays(text: string, spec: string): Weekday[] {
  const named: Weekday[] = [];
  const dayOf = (name: string) => {
    const day = WEEKDAYS.find((d) => d === name.toLowerCase() || DAY_NAMES[d] === name.toLowerCase());
    if (!day) throw new InvalidArgumentError(`"${name}" in "${spec}" is not a day: use mon, tue, wed, thu, fri, sat or sun`);
    return day;
  };
  for (const part of text.split(',')) {
    const [first, last, extra] = part.split('-');
    if (extra !== undefined) throw new InvalidArgumentError(`"${part}" in "${spec}": a range of days is two days, e.g. mon-fri`);
    const [a, b] = [WEEKDAYS.indexOf(dayOf(first ?? '')), WEEKDAYS.indexOf(dayOf(last ?? first ?? ''))];
    if (b < a) throw new InvalidArgumentError(`"${part}" in "${spec}": a range of days runs from Monday towards Sunday, e.g. mon-fri`);
    named.push(...WEEKDAYS.slice(a, b + 1));
  }
  return named;
}

/** A schedule as the specs above: "mon-fri 09:00-17:00; sat 10:00-14:00", "always" for none, "never" for `{}`. */
export function formatWorkingHours(schedule: WeeklySchedule | null): string {
  if (schedule === null) return 'always';
  const hoursOf = (day: Weekday) => (schedule[day] ?? []).map((i) => `${i.from}-${i.to}`).join(',');
  const groups: Array<{ first: Weekday; last: Weekday; hours: string }> = [];
  for (const day of WEEKDAYS) {
    const hours = hoursOf(day);
    if (hours === '') continue;
    const previous = groups.at(-1);
    if (previous && previous.hours === hours && WEEKDAYS.indexOf(previous.last) === WEEKDAYS.indexOf(day) - 1) previous.last = day;
    else groups.push({ first: day, last: day, hours });
  }
  if (groups.length === 0) return 'never';
  return groups.map((g) => `${g.first === g.last ? g.first : `${g.first}-${g.last}`} ${g.hours}`).join('; ');
}
