// The shapes the console reads from the HTTP API (services/api/openapi.json). Dates arrive
// as ISO 8601 strings.

/** A rep actor's state. */
export type RepState = 'available' | 'away' | 'offline' | 'busy' | 'capped' | 'inactive';

/** GET /v1/reps item. */
export interface Rep {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly timezone: string;
  readonly weight: number;
  readonly cap: number | null;
  readonly caps: { readonly hour?: number; readonly day?: number; readonly week?: number };
  readonly tags: ReadonlyArray<string>;
  readonly available: boolean;
  readonly awayReason: string | null;
  readonly active: boolean;
  readonly state: RepState;
  readonly activeLeads: number;
  readonly lastAssignedAt: string | null;
  /** When the rep next goes on or off shift, or in or out of office; absent on older servers. */
  readonly nextShiftChangeAt?: string | null;
  /** While the rep is in a meeting: when it ends. */
  readonly busyUntil?: string | null;
  /** The rep's calendars and how their last reading went; absent on older servers. */
  readonly calendars?: ReadonlyArray<RepCalendar>;
}

/** One of a rep's calendars, as GET /v1/reps shows it (its address shortened: it is a secret). */
export interface RepCalendar {
  readonly kind: 'ics' | 'caldav';
  readonly address: string;
  readonly status: 'ok' | 'failing';
  readonly syncedAt: string | null;
  readonly error: string | null;
  readonly failingSince: string | null;
}

/** GET /v1/teams item. */
export interface Team {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  readonly members: ReadonlyArray<string>;
  readonly isDefault: boolean;
  readonly sla: { readonly response: number; readonly businessHours: boolean; readonly maxBreaches: number } | null;
}

/** A lead's lifecycle state. */
export type LeadState = 'new' | 'routing' | 'assigned' | 'touched' | 'waiting' | 'escalated' | 'closed' | 'converted';

/** The lead states, in lifecycle order (the lead list's state filter). */
export const LEAD_STATES: ReadonlyArray<LeadState> = ['new', 'routing', 'waiting', 'assigned', 'touched', 'escalated', 'closed', 'converted'];

/** GET /v1/leads item. */
export interface LeadSummary {
  readonly id: string;
  readonly externalId: string | null;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly company: string | null;
  readonly source: string | null;
  readonly attributes: Readonly<Record<string, string | number | boolean | null>>;
  readonly state: LeadState;
  readonly ownerId: string | null;
  readonly teamId: string | null;
  readonly priority: number;
  readonly slaDeadlineAt: string | null;
  readonly breaches: number;
  readonly outcome: string | null;
  readonly createdAt: string;
}

/** One entry of a lead's event log. */
export interface LeadEvent {
  readonly id: string;
  readonly type: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly cause: string;
  readonly data: unknown;
  readonly at: string;
}

/** GET /v1/leads/:id. */
export interface LeadDetail extends LeadSummary {
  readonly waitingReason: string | null;
  readonly events: ReadonlyArray<LeadEvent>;
  readonly assignments: ReadonlyArray<{
    readonly repId: string;
    readonly teamId: string;
    readonly assignedAt: string;
    readonly endedAt: string | null;
    readonly endReason: string | null;
  }>;
}

/** One rep as a routing step saw it. */
export interface CandidateVerdict {
  readonly repId: string;
  readonly name: string;
  readonly verdict: 'excluded' | 'eligible' | 'chosen';
  readonly reason?: string;
  readonly score?: number;
  readonly detail: string;
}

/** GET /v1/leads/:id/decision. */
export interface RoutingDecision {
  readonly decidedAt: string;
  readonly configVersion: number | null;
  readonly rules: ReadonlyArray<{ readonly index: number; readonly name: string; readonly matched: boolean; readonly detail: string }>;
  readonly rule: { readonly index: number; readonly name: string } | null;
  readonly account: { readonly accountName: string; readonly matchedBy: 'domain' | 'company'; readonly key: string } | null;
  readonly steps: ReadonlyArray<{
    readonly target: { readonly type: string };
    readonly via: string;
    readonly strategy: string | null;
    readonly candidates: ReadonlyArray<CandidateVerdict>;
    readonly chosenRepId: string | null;
    readonly detail: string;
  }>;
  readonly teamName: string | null;
  readonly strategy: string | null;
  readonly candidates: ReadonlyArray<CandidateVerdict>;
  readonly chosenRepId: string | null;
  readonly queue: string | null;
  readonly summary: string;
}

/** GET /v1/config/versions item. */
export interface ConfigVersionSummary {
  readonly version: number;
  readonly author: string;
  readonly comment: string | null;
  readonly format: 'yaml' | 'json';
  readonly rolledBackFrom: number | null;
  readonly createdAt: string;
}

/** GET /v1/config: the current version, or nulls before any was applied. */
export type CurrentConfig = (ConfigVersionSummary & { readonly source: string; readonly config: unknown }) | { readonly version: null };

/** GET /v1/config/diff. */
export interface ConfigDiff {
  readonly from: number;
  readonly to: number;
  readonly diff: string;
}

/** GET /v1/reports/fairness. */
export interface FairnessReport {
  readonly from: string;
  readonly to: string;
  readonly team: string | null;
  readonly reps: ReadonlyArray<{
    readonly repId: string;
    readonly name: string;
    readonly weight: number;
    readonly eligibleSeconds: number;
    readonly assignments: number;
    readonly expectedShare: number;
    readonly actualShare: number;
    readonly expected: number;
    readonly deviation: number;
  }>;
  readonly test: {
    readonly statistic: number;
    readonly degreesOfFreedom: number;
    readonly pValue: number | null;
    readonly verdict: string;
    /** Some expected counts are under 5: the chi-square test is unreliable. */
    readonly lowExpectedCounts: boolean;
  };
}

/** GET /v1/reports/sla. */
export interface SlaReport {
  readonly from: string;
  readonly to: string;
  readonly teams: ReadonlyArray<{
    readonly teamId: string;
    readonly teamName: string;
    readonly leads: number;
    readonly touched: number;
    readonly breaches: number;
    readonly medianFirstTouchSeconds: number | null;
    readonly p90FirstTouchSeconds: number | null;
  }>;
}

/** A page of a list endpoint. */
export interface Page<T> {
  readonly items: ReadonlyArray<T>;
  readonly next?: string | null;
}

/** A free slot a booking link offers: its times are written in the asked time zone, with its offset. */
export interface OfferedSlot {
  readonly start: string;
  readonly end: string;
  /** Whom the meeting would be with (in team mode, the member it would go to). */
  readonly repId: string;
}

/** A meeting booked through a link (POST /v1/booking/:token, DELETE, and the slots' `booking`). */
export interface BookedMeeting {
  readonly bookingId: string;
  readonly start: string;
  readonly end: string;
  readonly repId: string;
  readonly status: 'confirmed' | 'cancelled';
}

/** GET /v1/booking/:token/slots: what a booking link offers now. */
export interface BookingOffer {
  readonly slots: ReadonlyArray<OfferedSlot>;
  readonly timeZone: string;
  readonly durationMinutes: number;
  /** `owner`: the lead's owner; `team`: any member, by round robin. */
  readonly mode: 'owner' | 'team';
  /** The team whose booking policy the link offers. */
  readonly team: string;
  readonly hosts: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  /** What this link has booked, if anything: booking again moves it. */
  readonly booking: BookedMeeting | null;
  /** Why there is nothing to book yet (the lead is still being routed). */
  readonly notice: string | null;
  readonly expiresAt: string;
}
