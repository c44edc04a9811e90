import { describe, expect, it } from 'vitest';
import { availableBuses, startTestSwitchboard } from '../support/index.ts';
import { http } from '../support/index.ts';

describe('stopping the router with leads in flight', () => {
  it.each(availableBuses)('finishes routing them (on the %s bus) before it stops, without waiting on its own rep actors', async (bus) => {
    const sb = await startTestSwitchboard({ bus });
    try {
      const ana = (await http(sb.url, 'POST', '/v1/reps', { name: 'Ana Ruiz', email: 'ana@acme.test' })).body.id;
      await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [ana] });
      const posted = await Promise.all(Array.from({ length: 20 }, (_, i) => http(sb.url, 'POST', '/v1/leads', { email: `lead${i}@prospect.io` })));
      const started = performance.now();
      await sb.running.router!.stop();
      // Offers are answered by the same router's rep actors. Had those stopped first, an
      // in-flight offer would wait out its request timeout (5 s, always) and fail: a bound
      // well under it tells the two apart, not a speed target.
      expect(performance.now() - started).toBeLessThan(4000);
      const states = await sb.running.db
        .selectFrom('leads')
        .select('state')
        .where(
          'id',
          'in',
          posted.map((p) => p.body.id as string),
        )
        .execute();
      // Each lead is assigned, or still new for the next router to pick up: none half-routed.
      expect(states.every((s) => s.state === 'assigned' || s.state === 'new')).toBe(true);
    } finally {
      await sb.destroy();
    }
  });
});
