/**
 * The JSON body of the `n`-th benchmark lead of a phase: a unique email and
 * `externalId` (prefixed by the phase, so a phase's leads can be found in the
 * database with `external_id like '<prefix>-%'`).
 *
 * @example
 * leadBody('sus', 7); // '{"email":"lead-sus-7@bench.example","company":"Bench Co","externalId":"sus-7"}'
 */
export function leadBody(prefix: string, n: number): string {
  return JSON.stringify({ email: `lead-${prefix}-${n}@bench.example`, company: 'Bench Co', externalId: `${prefix}-${n}` });
}

/** The `LIKE` pattern matching the external ids of one phase's leads. */
export function phasePattern(prefix: string): string {
  return `${prefix}-%`;
}
