import { z } from 'zod';
import type { RepId } from './ids.ts';

/**
 * What a credential may do.
 * - `admin`: everything, configuration, reps, teams and keys included;
 * - `operator`: reads, works leads (touch, close, reject) and sets reps' availability;
 * - `viewer`: reads everything: leads, reps, reports, inspection, event streams, metrics;
 * - `intake`: submits leads, nothing else;
 * - `rep`: bound to one rep, sees and works only its own leads and sets its own availability;
 * - `metrics`: reads `/metrics`, nothing else (a Prometheus scraper).
 */
export const ROLES = ['admin', 'operator', 'viewer', 'intake', 'rep', 'metrics'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { error: `use one of ${ROLES.join(', ')}` });

/**
 * What an operation needs (its `x-switchboard-role` in the OpenAPI document): the least role
 * that may call it. `public` needs no credential.
 */
export const REQUIREMENTS = ['public', 'admin', 'operator', 'viewer', 'intake', 'metrics'] as const;
export type AccessRequirement = (typeof REQUIREMENTS)[number];

/** The roles each requirement lets in (a `rep` key besides, where the operation allows its own things). */
const ROLES_MEETING: Readonly<Record<Exclude<AccessRequirement, 'public'>, ReadonlyArray<Role>>> = {
  admin: ['admin'],
  operator: ['admin', 'operator'],
  viewer: ['admin', 'operator', 'viewer'],
  intake: ['admin', 'operator', 'intake'],
  metrics: ['admin', 'operator', 'viewer', 'metrics'],
};

/**
 * What a `rep` key may reach of an operation (its `x-switchboard-rep`):
 * - `own-lead`: a lead (`:id`) the rep owns;
 * - `own-rep`: the rep itself (`:id`);
 * - `own-leads`: a list, narrowed to the rep's own leads;
 * - `own-reps`: the list of reps, narrowed to the rep itself;
 * - `shared`: reference data that is nobody's (the teams), read as anyone reads it.
 * Operations without it are closed to rep keys.
 */
export const REP_SCOPES = ['own-lead', 'own-rep', 'own-leads', 'own-reps', 'shared'] as const;
export type RepScope = (typeof REP_SCOPES)[number];

/** Who is calling: a stored key, the bootstrap key, or a console session opened with one of them (or single sign-on). */
export interface Principal {
  /** The key's name, the signed-in user's email, or `SWITCHBOARD_ADMIN_KEY`: what the audit log records. */
  readonly name: string;
  readonly role: Role;
  /** The rep a `rep` credential is bound to. */
  readonly repId: RepId | null;
  /** The stored key behind it, if any (a revoked key ends its sessions too). */
  readonly keyId: string | null;
}

/** The verdict on one call: allowed (to all, or only to a rep's own things), or refused with the reason. */
export type AccessVerdict =
  | { readonly allowed: true; readonly repScope: RepScope | null }
  | { readonly allowed: false; readonly reason: string };

/** Whether `principal` may call an operation that needs `requirement` (and lets rep keys at `repScope`). */
export function decideAccess(principal: Principal, requirement: Exclude<AccessRequirement, 'public'>, repScope: RepScope | null): AccessVerdict {
  if (ROLES_MEETING[requirement].includes(principal.role)) return { allowed: true, repScope: null };
  if (principal.role === 'rep' && repScope !== null && principal.repId !== null) return { allowed: true, repScope };
  const needs = ROLES_MEETING[requirement].join(', ');
  const repNote = repScope !== null ? ', or a rep key for its own' : '';
  return { allowed: false, reason: `the ${principal.role} role may not do this; it needs ${needs}${repNote}` };
}

/** Every requirement a role meets: what the console shows and hides. */
export function requirementsMet(role: Role): ReadonlyArray<AccessRequirement> {
  return REQUIREMENTS.filter((requirement) => requirement === 'public' || ROLES_MEETING[requirement].includes(role));
}
