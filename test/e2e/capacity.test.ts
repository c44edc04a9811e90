import { afterEach, describe, expect, it } from 'vitest';
import { availableBuses, eventually, http, mapConcurrent, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

describe.each(availableBuses)('caps under a concurrent burst, on the %s bus', (bus) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('assigns exactly 20 of 50 concurrent leads to reps whose caps add up to 20, holds 30, and gives 5 freed slots to the 5 oldest', async () => {
    sb = await startTestSwitchboard({ bus });
    // Caps 8 + 6 + 4 + 2 = 20.
    const reps: string[] = [];
    for (const cap of [8, 6, 4, 2]) {
      const { body } = await http(sb.url, 'POST', '/v1/reps', { name: `Cap ${cap}`, email: `cap${cap}@example.com`, cap });
      reps.push(body.id);
    }
    await http(sb.url, 'POST', '/v1/teams', { name: 'Capped', members: reps });
    const posted = await mapConcurrent(Array.from({ length: 50 }, (_, i) => i), 50, (i) => http(sb!.url, 'POST', '/v1/leads', { email: `burst${i}@acme.io` }));
    expect(posted.every((p) => p.status === 202)).toBe(true);

    const count = async (state: string) => (await http(sb!.url, 'GET', `/v1/leads?state=${state}&limit=100`)).body.items as Array<{ id: string; ownerId: string; createdAt: string }>;
    await eventually(async () => (await count('assigned')).length === 20 && (await count('waiting')).length === 30, 20_000, '20 assigned and 30 waiting');
    const loads = (await http(sb.url, 'GET', '/v1/reps')).body.items as Array<{ id: string; cap: number; activeLeads: number; state: string }>;
    for (const rep of loads) {
      expect(rep.activeLeads).toBe(rep.cap);
      expect(rep.state).toBe('capped');
      const log = await sb.database.db.selectFrom('rep_events').selectAll().where('rep_id', '=', rep.id).orderBy('id').execute();
      expect(log.at(-1)).toMatchObject({ from_state: 'available', to_state: 'capped', active_leads: rep.cap });
    }

    // The rep with cap 8 closes 5 leads: the 5 longest-waiting leads take the slots.
    const waitingBefore = (await count('waiting')).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const bigRep = reps[0] as string;
    const held = (await http(sb.url, 'GET', `/v1/leads?owner=${bigRep}&state=assigned`)).body.items as Array<{ id: string }>;
    for (const lead of held.slice(0, 5)) {
      expect((await http(sb.url, 'POST', `/v1/leads/${lead.id}/close`, { outcome: 'won' })).status).toBe(200);
    }
    await eventually(async () => (await count('waiting')).length === 25, 20_000, '25 waiting');
    const nowAssigned = new Set((await count('assigned')).map((l) => l.id));
    for (const lead of waitingBefore.slice(0, 5)) expect(nowAssigned.has(lead.id)).toBe(true);
    for (const lead of waitingBefore.slice(5)) expect(nowAssigned.has(lead.id)).toBe(false);
    const after = (await http(sb.url, 'GET', '/v1/reps')).body.items as Array<{ activeLeads: number; cap: number }>;
    for (const rep of after) expect(rep.activeLeads).toBeLessThanOrEqual(rep.cap);
  });
});
