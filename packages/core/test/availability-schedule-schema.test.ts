import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type AvailabilitySchedule, availabilityScheduleSchema, parseOrThrow, ValidationError, type ValidationIssue } from '../src/index.ts';

function issuesOf(input: unknown): ReadonlyArray<ValidationIssue> {
  try {
    parseOrThrow(availabilityScheduleSchema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected the schedule to be rejected');
}

const SPLIT_HINT = 'split a shift that crosses midnight in two, e.g. 22:00–24:00 and 00:00–06:00 the next day';

describe('availability schedule schema', () => {
  it('accepts several intervals a day, touching intervals, 24:00 and a missing day', () => {
    const input = {
      timezone: 'Europe/Berlin',
      workingHours: {
        mon: [
          { from: '09:00', to: '12:30' },
          { from: '13:30', to: '18:00' },
        ],
        tue: [
          { from: '09:00', to: '12:00' },
          { from: '12:00', to: '24:00' },
        ],
        sun: [],
      },
    };
    expect(parseOrThrow(availabilityScheduleSchema, input)).toEqual(input);
  });

  it.each([[null], [undefined]])('accepts %j working hours (always on shift)', (workingHours) => {
    expect(parseOrThrow(availabilityScheduleSchema, { timezone: 'UTC', workingHours }).workingHours).toBe(workingHours);
  });

  it('sorts holidays and drops repeats', () => {
    const parsed = parseOrThrow(availabilityScheduleSchema, { timezone: 'UTC', holidays: ['2026-12-25', '2026-01-01', '2026-12-25'] });
    expect(parsed.holidays).toEqual(['2026-01-01', '2026-12-25']);
  });

  it('reads out-of-office date-times into Dates', () => {
    const parsed = parseOrThrow(availabilityScheduleSchema, {
      timezone: 'UTC',
      outOfOffice: [{ from: '2026-08-10T09:00:00+02:00', to: '2026-08-14T18:00:00Z', reason: 'vacation' }],
    });
    expect(parsed.outOfOffice).toEqual([{ from: new Date('2026-08-10T07:00:00Z'), to: new Date('2026-08-14T18:00:00Z'), reason: 'vacation' }]);
  });

  it('outputs what the availability functions take', () => {
    expectTypeOf<z.output<typeof availabilityScheduleSchema>>().toExtend<AvailabilitySchedule>();
  });

  it.each<[string, unknown, ValidationIssue[]]>([
    [
      'overlapping intervals',
      {
        mon: [
          { from: '09:00', to: '12:30' },
          { from: '12:00', to: '18:00' },
        ],
      },
      [{ path: 'workingHours.mon[1]', message: 'overlaps mon[0] (09:00–12:30)' }],
    ],
    [
      'intervals out of order',
      {
        tue: [
          { from: '13:30', to: '18:00' },
          { from: '09:00', to: '12:30' },
        ],
      },
      [{ path: 'workingHours.tue[1]', message: "starts before tue[0] (13:30–18:00); list a day's intervals in order of time" }],
    ],
    ['a time without a leading zero', { mon: [{ from: '9:00', to: '18:00' }] }, [{ path: 'workingHours.mon[0].from', message: 'must be HH:MM, e.g. 09:00' }]],
    ['a time past 24:00', { mon: [{ from: '09:00', to: '24:30' }] }, [{ path: 'workingHours.mon[0].to', message: 'must be HH:MM, e.g. 09:00' }]],
    ['an hour past 23', { wed: [{ from: '25:00', to: '26:00' }] }, [
      { path: 'workingHours.wed[0].from', message: 'must be HH:MM, e.g. 09:00' },
      { path: 'workingHours.wed[0].to', message: 'must be HH:MM, e.g. 09:00' },
    ]],
    ['a number for a time', { mon: [{ from: 900, to: '18:00' }] }, [{ path: 'workingHours.mon[0].from', message: 'must be HH:MM, e.g. 09:00' }]],
    ['an interval that ends before it starts', { mon: [{ from: '22:00', to: '06:00' }] }, [{ path: 'workingHours.mon[0].to', message: `must be after from (22:00); ${SPLIT_HINT}` }]],
    ['an empty interval', { fri: [{ from: '09:00', to: '09:00' }] }, [{ path: 'workingHours.fri[0].to', message: `must be after from (09:00); ${SPLIT_HINT}` }]],
    ['a day spelt out', { monday: [{ from: '09:00', to: '18:00' }] }, [{ path: 'workingHours', message: 'unknown field "monday"' }]],
    ['an unknown interval field', { mon: [{ from: '09:00', until: '18:00' }] }, [
      { path: 'workingHours.mon[0].to', message: 'must be HH:MM, e.g. 09:00' },
      { path: 'workingHours.mon[0]', message: 'unknown field "until"' },
    ]],
  ])('rejects %s, naming the path', (_what, workingHours, issues) => {
    expect(issuesOf({ timezone: 'Europe/Berlin', workingHours })).toEqual(issues);
  });

  it('reports problems on different days together', () => {
    const error = new ValidationError(
      issuesOf({
        timezone: 'Europe/Berlin',
        workingHours: {
          mon: [
            { from: '09:00', to: '12:30' },
            { from: '10:00', to: '11:00' },
          ],
          thu: [{ from: '18:00', to: '09:00' }],
        },
      }),
    );
    expect(error.message).toBe(`workingHours.mon[1]: overlaps mon[0] (09:00–12:30); workingHours.thu[0].to: must be after from (18:00); ${SPLIT_HINT}`);
  });

  it.each([
    ['2026-02-30', 'holidays[1]'],
    ['25.12.2026', 'holidays[1]'],
    ['2026-12-25T00:00:00Z', 'holidays[1]'],
  ])('rejects the holiday %j at %s', (day, path) => {
    expect(issuesOf({ timezone: 'UTC', holidays: ['2026-01-01', day] })).toEqual([{ path, message: 'must be a date YYYY-MM-DD, e.g. 2026-12-25' }]);
  });

  it('rejects an out-of-office period that ends before it starts', () => {
    expect(issuesOf({ timezone: 'UTC', outOfOffice: [{ from: '2026-08-10T09:00:00+02:00', to: '2026-08-10T07:00:00Z' }] })).toEqual([
      { path: 'outOfOffice[0].to', message: 'must be after from (2026-08-10T07:00:00.000Z)' },
    ]);
  });

  it('rejects an out-of-office date-time without an offset', () => {
    expect(issuesOf({ timezone: 'UTC', outOfOffice: [{ from: '2026-08-10T09:00:00', to: '2026-08-11T09:00:00Z' }] })).toEqual([
      { path: 'outOfOffice[0].from', message: 'must be an ISO 8601 date-time with a UTC offset, e.g. 2026-08-03T09:00:00+02:00 or 2026-08-03T07:00:00Z' },
    ]);
  });

  it('rejects an unknown time zone with the fix', () => {
    expect(issuesOf({ timezone: 'Mars/Olympus' })).toEqual([
      { path: 'timezone', message: 'unknown time zone "Mars/Olympus"; use an IANA name such as "Europe/Berlin" or "UTC"' },
    ]);
  });
});
