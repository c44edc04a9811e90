/**
 * The JSON body of the `n`-th benchmark lead of a phase: a unique email and
 * `externalId` (prefixed by the phase, so a phase's leads can be found in the
 * database with `external_id like '<prefix>-%'`), and a `shard` attribute, `a` or `b` in turn,
 * which the scale-out bench's rules route to two teams (two partitions).
 *
 * @example
 * leadBody('sus', 7); // '{"email":"lead-sus-7@bench.example","company":"Bench Co","externalId":"sus-7","attributes":{"shard":"b"}}'
 */
export function leadBody(prefix: string, n: number): string {
  return JSON.stringify({ email: `lead-${prefix}-${n}@bench.example`, company: 'Bench Co', externalId: `${prefix}-${n}`, attributes: { shard: n % 2 === 0 ? 'a' : 'b' } });
}

/** The `LIKE` pattern matching the external ids of one phase's leads. */
export function phasePattern(prefix: string): string {
  return `${prefix}-%`;
}
