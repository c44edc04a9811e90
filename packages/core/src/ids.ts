import { v5 as uuidv5, v7 as uuidv7, validate as isUuid } from 'uuid';

declare const brand: unique symbol;
/** A string that carries what it identifies, so a rep id can't be passed where a lead id is expected. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Identifies a lead. A UUID (v7, so ids sort by creation time). */
export type LeadId = Brand<string, 'LeadId'>;
/** Identifies a rep. */
export type RepId = Brand<string, 'RepId'>;
/** Identifies a team (a pool of reps). */
export type TeamId = Brand<string, 'TeamId'>;

/** A new time-ordered id. */
export function newId<T extends LeadId | RepId | TeamId>(): T {
  return uuidv7() as T;
}

// Fixed namespace for ids derived from bus messages: the same message always maps to
// the same lead, so a redelivered intake message can't create a second lead.
const INTAKE_NAMESPACE = '6f1c8c52-3a57-4c38-9d55-1f4b0c5e2a11';

/** The lead id of an intake message that arrived without one, derived from its stable key. */
export function leadIdForIntakeKey(key: string): LeadId {
  return uuidv5(key, INTAKE_NAMESPACE) as LeadId;
}

/** True if `value` has the shape of a Switchboard id (a UUID). */
export function isId(value: string): boolean {
  return isUuid(value);
}
