import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subscribesTo } from '../src/event-subscription.ts';
import { GIVE_UP_AFTER_MS, MAX_RETRY_MS, nextAttemptAt, retryDelayMs } from '../src/retry-schedule.ts';

describe('the retry schedule', () => {
  it('retries first within 2 s, then doubles with jitter, up to an hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = retryDelayMs(attempt, () => r);
        const base = Math.min(1000 * 2 ** (attempt - 1), MAX_RETRY_MS);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.75));
        expect(delay).toBeLessThanOrEqual(Math.ceil(base * 1.25));
        if (attempt === 1) expect(delay).toBeLessThanOrEqual(2000);
      }),
    );
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('gives up once the 24 hours are over, and never schedules past them', () => {
    const created = 0;
    const giveUpAt = created + GIVE_UP_AFTER_MS;
    expect(nextAttemptAt(30, giveUpAt - 1000, giveUpAt, () => 0.5)).toBe(giveUpAt);
    expect(nextAttemptAt(31, giveUpAt, giveUpAt)).toBeNull();
    // Over a whole day of failures, the attempts come at growing gaps and stop at the end.
    let now = created;
    let attempt = 1;
    let next = nextAttemptAt(attempt, now, giveUpAt, () => 0.5);
    while (next !== null) {
      expect(next).toBeGreaterThan(now);
      now = next;
      attempt += 1;
      next = nextAttemptAt(attempt, now, giveUpAt, () => 0.5);
    }
    expect(now).toBe(giveUpAt);
    expect(attempt).toBeLessThan(40);
  });
});

describe('webhook subscriptions', () => {
  it('match a type, a prefix, or everything', () => {
    expect(subscribesTo(['lead.assigned'], 'lead.assigned')).toBe(true);
    expect(subscribesTo(['lead.assigned'], 'lead.breached')).toBe(false);
    expect(subscribesTo(['lead.*'], 'lead.breached')).toBe(true);
    expect(subscribesTo(['rep.*'], 'lead.breached')).toBe(false);
    expect(subscribesTo(['*'], 'lead.merged')).toBe(true);
    expect(subscribesTo([], 'lead.merged')).toBe(false);
  });
});
