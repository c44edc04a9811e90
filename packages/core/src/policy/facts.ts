import type { RepId } from '../ids.ts';
import type { AttributeValue, LeadIntake } from '../lead.ts';
import type { RepState } from '../rep.ts';

/**
 * What the routing policy knows about a lead: its top-level fields and its attributes.
 * Conditions look a field up by name: `email`, `domain` (the email's domain), `firstName`,
 * `lastName`, `company`, `source`, then any attribute (`country`, `industry`, ...).
 */
export interface LeadFacts {
  readonly email: string;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly company?: string | null;
  readonly source?: string | null;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** The facts of a lead as it arrives at intake. */
export function factsOfIntake(intake: LeadIntake): LeadFacts {
  return {
    email: intake.email,
    firstName: intake.firstName ?? null,
    lastName: intake.lastName ?? null,
    company: intake.company ?? null,
    source: intake.source ?? null,
    attributes: intake.attributes ?? {},
  };
}

/** Leads a rep took in the current UTC day, week (from Monday) and month. */
export interface AssignmentCounts {
  readonly day: number;
  readonly week: number;
  readonly month: number;
}

/** What the routing policy knows about one rep at decision time. */
export interface RepFacts {
  readonly repId: RepId;
  readonly name: string;
  readonly state: RepState;
  /** Why the rep is in its state, for people: "OOO until 12 May", "off shift until 09:00", "10/10 active". */
  readonly stateDetail?: string;
  /**
   * A busy rep's state were its meetings overlooked (a team with `busy: allow`): `available`,
   * or `capped` with why. Set only when `state` is `busy`.
   */
  readonly whenBusyAllowed?: { readonly state: 'available' | 'capped'; readonly stateDetail?: string };
  /** Active leads, counting offers in flight. */
  readonly activeLeads: number;
  readonly cap: number | null;
  readonly weight: number;
  /** Tags such as `salesforce`, skills with a level `enterprise:3`, dynamic tags `language:de`. */
  readonly tags: ReadonlyArray<string>;
  /** Epoch ms of the last assignment, null if never. */
  readonly lastAssignedAt: number | null;
  /** Position in the router's strictly increasing assignment sequence, null if never. */
  readonly lastAssignmentSeq: number | null;
  /** Assignments in the current windows, for `load_balanced`. */
  readonly assigned: AssignmentCounts;
}

/** Reps that must not get the lead, and why. */
export type Exclusions = ReadonlyMap<RepId, 'declined' | 'breached' | 'rejected'>;

/**
 * Smooth weighted round robin's running state for one team: each rep's credit. Reps missing
 * from the map start at 0. A rep that is not eligible keeps its credit unchanged.
 */
export type ShareLedger = ReadonlyMap<RepId, number>;

const TOP_LEVEL_FIELDS = new Set(['email', 'firstName', 'lastName', 'company', 'source']);

/**
 * A lead field by name, as conditions and dynamic tags see it: `email`, `domain` (the email's
 * domain, lower case), `firstName`, `lastName`, `company`, `source`, else the attribute of
 * that name (exact, then ignoring case). Missing, null and empty values are `undefined`.
 */
export function leadField(lead: LeadFacts, field: string): string | number | boolean | undefined {
  let value: AttributeValue | undefined;
  if (field === 'domain') {
    const at = lead.email.lastIndexOf('@');
    value = at < 0 ? undefined : lead.email.slice(at + 1).toLowerCase();
  } else if (TOP_LEVEL_FIELDS.has(field)) {
    value = lead[field as 'email'];
  } else {
    // Own properties only: an attribute named "constructor" must not find Object.prototype's.
    value = Object.hasOwn(lead.attributes, field) ? lead.attributes[field] : undefined;
    if (value === undefined) {
      const lower = field.toLowerCase();
      for (const key in lead.attributes) {
        if (key.toLowerCase() === lower) {
          value = lead.attributes[key];
          break;
        }
      }
    }
  }
  return value === null || value === '' ? undefined : value;
}
