/**
 * NATS subject wildcards, for the in-process bus: `*` matches exactly one token, `>` matches
 * one or more trailing tokens. See https://docs.nats.io/nats-concepts/subjects#wildcards
 */

/**
 * Tells whether `subject` (a literal subject) matches `pattern` (which may hold wildcards).
 *
 * @example
 * subjectMatches('sb.evt.>', 'sb.evt.lead.assigned'); // true
 * subjectMatches('sb.*.intake', 'sb.lead.intake'); // true
 * subjectMatches('sb.evt.>', 'sb.evt'); // false: `>` needs at least one token
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  for (let i = 0; i < patternTokens.length; i++) {
    const token = patternTokens[i];
    if (token === '>') {
      return subjectTokens.length > i;
    }
    if (i >= subjectTokens.length) {
      return false;
    }
    if (token !== '*' && token !== subjectTokens[i]) {
      return false;
    }
  }
  return patternTokens.length === subjectTokens.length;
}

/**
 * Tells whether some subject matches both patterns. NATS refuses two streams whose
 * subjects overlap, and so does the in-process bus.
 */
export function subjectsOverlap(a: string, b: string): boolean {
  const aTokens = a.split('.');
  const bTokens = b.split('.');
  const length = Math.min(aTokens.length, bTokens.length);
  for (let i = 0; i < length; i++) {
    const x = aTokens[i];
    const y = bTokens[i];
    if (x === '>' || y === '>') {
      return true;
    }
    if (x !== '*' && y !== '*' && x !== y) {
      return false;
    }
  }
  // Without a `>`, a pattern only matches subjects of its own token count.
  return aTokens.length === bTokens.length;
}
