import { z } from 'zod';

/** The days of a weekly schedule, as its keys. */
export const Weekday = {
  mon: 'mon',
  tue: 'tue',
  wed: 'wed',
  thu: 'thu',
  fri: 'fri',
  sat: 'sat',
  sun: 'sun',
} as const;
export type Weekday = (typeof Weekday)[keyof typeof Weekday];

/** The weekdays in order, Monday first (as ISO 8601 and Luxon's `weekday`, where 1 is Monday). */
export const WEEKDAYS: ReadonlyArray<Weekday> = Object.freeze(Object.values(Weekday));

/**
 * One stretch of working time within a day, in the rep's time zone: `from` (inclusive) to `to`
 * (exclusive), both `HH:MM` on a 24-hour clock. `to` may be `24:00`, the end of the day.
 */
export interface WorkingInterval {
  readonly from: string;
  readonly to: string;
}

/**
 * A rep's working hours: for each weekday, its working intervals in order. A day that is
 * missing or empty is a day off; `{}` is never on shift. A shift that crosses midnight is two
 * intervals, e.g. `mon: [{ from: '22:00', to: '24:00' }], tue: [{ from: '00:00', to: '06:00' }]`,
 * and counts as one continuous shift.
 *
 * A rep with no schedule at all (`null` or `undefined` where one is expected) is always on shift.
 */
export type WeeklySchedule = { readonly [D in Weekday]?: ReadonlyArray<WorkingInterval> };

const TIME_OF_DAY = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const TIME_OF_DAY_ERROR = 'must be HH:MM, e.g. 09:00';

/**
 * Minutes since midnight of an `HH:MM` time of day (`00:00` to `24:00`), or `undefined` if `text`
 * is not one.
 *
 * @example
 * minutesOfDay('09:30'); // 570
 * minutesOfDay('24:00'); // 1440
 */
export function minutesOfDay(text: string): number | undefined {
  const match = TIME_OF_DAY.exec(text);
  if (!match) return undefined;
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

const timeOfDaySchema = z.string({ error: TIME_OF_DAY_ERROR }).regex(TIME_OF_DAY, { error: TIME_OF_DAY_ERROR });

/** One working interval, `{ from: '09:00', to: '12:30' }`; `from` must be before `to`. */
export const workingIntervalSchema = z
  .strictObject({ from: timeOfDaySchema, to: timeOfDaySchema })
  .superRefine((interval, ctx) => {
    const from = minutesOfDay(interval.from);
    const to = minutesOfDay(interval.to);
    // A time that isn't HH:MM has its own issue already.
    if (from === undefined || to === undefined || from < to) return;
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be after from (${interval.from}); split a shift that crosses midnight in two, e.g. 22:00–24:00 and 00:00–06:00 the next day`,
    });
  });

function dayScheduleSchema(day: Weekday) {
  return z
    .array(workingIntervalSchema)
    .max(48, { error: 'has more than 48 intervals' })
    .superRefine((intervals, ctx) => {
      for (let i = 1; i < intervals.length; i++) {
        const previous = intervals[i - 1]!;
        const current = intervals[i]!;
        const [previousFrom, previousTo, from] = [minutesOfDay(previous.from), minutesOfDay(previous.to), minutesOfDay(current.from)];
        if (previousFrom === undefined || previousTo === undefined || from === undefined) continue;
        const previousText = `${day}[${i - 1}] (${previous.from}–${previous.to})`;
        // Touching intervals (12:30–13:30 after 09:00–12:30) are fine: they are one stretch.
        if (from < previousFrom) {
          ctx.addIssue({ code: 'custom', path: [i], message: `starts before ${previousText}; list a day's intervals in order of time` });
        } else if (from < previousTo) {
          ctx.addIssue({ code: 'custom', path: [i], message: `overlaps ${previousText}` });
        }
      }
    });
}

/**
 * Weekly working hours as the API and config files give them (see `WeeklySchedule`): days
 * `mon`…`sun`, each a list of `{ from, to }` intervals in order, not overlapping.
 *
 * @example
 * weeklyScheduleSchema.parse({ mon: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '18:00' }] });
 */
export const weeklyScheduleSchema = z.strictObject({
  mon: dayScheduleSchema('mon').optional(),
  tue: dayScheduleSchema('tue').optional(),
  wed: dayScheduleSchema('wed').optional(),
  thu: dayScheduleSchema('thu').optional(),
  fri: dayScheduleSchema('fri').optional(),
  sat: dayScheduleSchema('sat').optional(),
  sun: dayScheduleSchema('sun').optional(),
});

/**
 * A rep's holidays: whole days off, as `YYYY-MM-DD` dates in the rep's time zone. The output is
 * sorted, without repeats.
 */
export const holidaysSchema = z
  .array(z.iso.date({ error: 'must be a date YYYY-MM-DD, e.g. 2026-12-25' }))
  .max(1000, { error: 'has more than 1000 days' })
  .transform((days) => [...new Set(days)].sort());

/** A stretch of time a rep is away (vacation, sick leave, an off-site): `from` (inclusive) to `to` (exclusive). */
export interface OutOfOfficePeriod {
  readonly from: Date;
  readonly to: Date;
  /** Why the rep is away, for people (e.g. "vacation"). */
  readonly reason?: string | undefined;
}

const dateTimeSchema = z
  .iso.datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time with a UTC offset, e.g. 2026-08-03T09:00:00+02:00 or 2026-08-03T07:00:00Z',
  })
  .transform((text) => new Date(text));

/** One out-of-office period: `{ from, to, reason? }` with ISO 8601 date-times; `from` must be before `to`. */
export const outOfOfficePeriodSchema = z
  .strictObject({
    from: dateTimeSchema,
    to: dateTimeSchema,
    reason: z.string().trim().max(500).optional(),
  })
  .superRefine((period, ctx) => {
    // A date-time that can't be read has its own issue already.
    if (!(period.from instanceof Date) || !(period.to instanceof Date) || period.from < period.to) return;
    ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${period.from.toISOString()})` });
  });

/** A rep's out-of-office periods. They may overlap or touch; together they are the time the rep is away. */
export const outOfOfficeSchema = z.array(outOfOfficePeriodSchema).max(1000, { error: 'has more than 1000 periods' });
