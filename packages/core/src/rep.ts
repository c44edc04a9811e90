import { z } from 'zod';
import type { BusyBlock } from './busy-block.ts';
import { calendarInputSchema } from './calendar-source.ts';
import type { RepId } from './ids.ts';
import { holidaysSchema, type OutOfOfficePeriod, outOfOfficeSchema, type WeeklySchedule, weeklyScheduleSchema } from './working-hours.ts';

/** True if `zone` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timezone = z
  .string()
  .refine(isValidTimeZone, { error: (issue) => `unknown time zone "${String(issue.input)}"; use an IANA name such as "Europe/Berlin" or "UTC"` });

const repFields = {
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
  email: z.email({ error: 'must be an email address such as sarah@example.com' }).max(320),
  timezone,
  weight: z.number().positive({ error: 'must be greater than 0' }).max(1000),
  cap: z.int().min(0).max(100_000).nullable().describe('Most active leads at once; null for no cap.'),
  tags: z.array(z.string().trim().min(1).max(100)).max(100),
  caps: z
    .strictObject({
      hour: z.int().min(0).max(100_000).optional(),
      day: z.int().min(0).max(100_000).optional(),
      week: z.int().min(0).max(1_000_000).optional(),
    })
    .describe('Most leads accepted per hour, day and week, counted in the rep’s time zone (weeks start on Monday).'),
  workingHours: weeklyScheduleSchema
    .nullable()
    .describe('Weekly working hours in the rep’s time zone, several intervals a day; null: always on shift.'),
  holidays: holidaysSchema.describe('Whole days off (YYYY-MM-DD, in the rep’s time zone).'),
  outOfOffice: outOfOfficeSchema.describe('Periods the rep is away: { from, to, reason? }.'),
  managerId: z.uuid({ error: 'must be a rep id (a UUID)' }).nullable().describe('Receives this rep’s escalated leads.'),
  salesforceUserId: z
    .string()
    .trim()
    .regex(/^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, {
      error: 'must be a Salesforce User Id: 15 or 18 letters and digits starting with 005, such as 005Dn000001AbCdIAK',
    })
    .nullable()
    .describe('The Salesforce User this rep is, for owner write-back; null: the active User with the rep’s email.'),
};

/** Body of `POST /v1/reps`. */
export const createRepSchema = z.strictObject({
  name: repFields.name,
  email: repFields.email,
  timezone: repFields.timezone.default('UTC'),
  weight: repFields.weight.default(1),
  cap: repFields.cap.default(null),
  tags: repFields.tags.default([]),
  caps: repFields.caps.default({}),
  workingHours: repFields.workingHours.default(null),
  holidays: repFields.holidays.default([]),
  outOfOffice: repFields.outOfOffice.default([]),
  managerId: repFields.managerId.default(null),
  salesforceUserId: repFields.salesforceUserId.optional(),
});
export type CreateRep = z.output<typeof createRepSchema>;

/** Body of `PATCH /v1/reps/:id`: any rep field, plus the manual availability toggle. */
export const updateRepSchema = z
  .strictObject({
    name: repFields.name.optional(),
    email: repFields.email.optional(),
    timezone: repFields.timezone.optional(),
    weight: repFields.weight.optional(),
    cap: repFields.cap.optional(),
    tags: repFields.tags.optional(),
    caps: repFields.caps.optional(),
    workingHours: repFields.workingHours.optional(),
    holidays: repFields.holidays.optional(),
    outOfOffice: repFields.outOfOffice.optional(),
    managerId: repFields.managerId.optional(),
    salesforceUserId: repFields.salesforceUserId.optional(),
    available: z.boolean().optional().describe('The manual toggle: false makes the rep `away`.'),
    awayReason: z.string().trim().max(500).nullable().optional().describe('Why the rep is away, shown with its state.'),
    active: z.boolean().optional().describe('false deactivates the rep: its open leads are routed to others.'),
    calendars: z
      .array(calendarInputSchema)
      .max(10)
      .refine((list) => new Set(list.map((c) => ('ics' in c ? c.ics : c.caldav))).size === list.length, { error: 'lists a calendar more than once' })
      .optional()
      .describe('The rep’s calendars (replaces the list): `{ ics: "<url>" }` or `{ caldav, username?, password? }`. Read at once, then polled; a meeting makes the rep `busy`.'),
  })
  .refine((value) => Object.keys(value).length > 0, { error: 'give at least one field to change' });
export type UpdateRep = z.output<typeof updateRepSchema>;

/** The states of a rep (the rep machine's top-level states). */
export const RepState = {
  available: 'available',
  away: 'away',
  offline: 'offline',
  busy: 'busy',
  capped: 'capped',
  inactive: 'inactive',
} as const;
export type RepState = (typeof RepState)[keyof typeof RepState];

/** A rep's configuration: what admins set. */
export interface RepProfile {
  readonly id: RepId;
  readonly name: string;
  readonly email: string;
  readonly timezone: string;
  readonly weight: number;
  readonly cap: number | null;
  readonly tags: ReadonlyArray<string>;
  readonly caps: { readonly hour?: number; readonly day?: number; readonly week?: number };
  readonly workingHours: WeeklySchedule | null;
  readonly holidays: ReadonlyArray<string>;
  readonly outOfOffice: ReadonlyArray<OutOfOfficePeriod>;
  readonly managerId: RepId | null;
  /** The Salesforce User this rep is (owner write-back); null: matched by email. */
  readonly salesforceUserId: string | null;
  /** The manual availability toggle. */
  readonly available: boolean;
  readonly awayReason: string | null;
  /** A deactivated rep takes no leads. */
  readonly active: boolean;
  /** Busy time from the rep's calendars and bookings (sorted, merged, epoch ms): a rep in a meeting is `busy`. */
  readonly busy: ReadonlyArray<BusyBlock>;
}

/** A rep as the API shows it: its profile plus its live state. */
export interface Rep extends RepProfile {
  readonly state: RepState;
  readonly activeLeads: number;
  readonly lastAssignedAt: Date | null;
  /** Revision of the live state (state, activeLeads), advanced by the router on every change. */
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
