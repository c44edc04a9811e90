import { afterEach, describe, expect, it } from 'vitest';
import { availableBuses, eventually, http, mapConcurrent, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// Posted one at a time, the worst rep of a 12-rep weighted team was 1.7 leads off its share;
// posted by 16 concurrent clients it was 9.3 leads off, because concurrent decisions of one team
// read the same weighted-round-robin credits and wrote back over each other (issue 12). Each
// team's decisions now run in its own mailbox.

const WEIGHTS = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3];
const LEADS = 1_200;
const CLIENTS = 16;

describe.each(availableBuses)('weighted shares under concurrent intake, on the %s bus', (bus) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it(`keeps every rep of a 12-rep weighted team within 2 leads of its share when ${CLIENTS} clients post ${LEADS} leads while reps close theirs`, { timeout: 180_000 }, async () => {
    sb = await startTestSwitchboard({ bus });
    const url = sb.url;
    const repIds: string[] = [];
    for (const [i, weight] of WEIGHTS.entries()) {
      const rep = await http(url, 'POST', '/v1/reps', { name: `Rep ${i}`, email: `rep${i}@fair.test`, weight, cap: 10_000 });
      expect(rep.status, JSON.stringify(rep.body)).toBe(201);
      repIds.push(rep.body.id as string);
    }
    const team = await http(url, 'POST', '/v1/teams', { name: 'Weighted', members: repIds, strategy: 'weighted_round_robin' });
    expect(team.status, JSON.stringify(team.body)).toBe(201);

    // Reps work their leads meanwhile: close what they hold, as it comes.
    let posting = true;
    const closed = new Set<string>();
    const closer = (async () => {
      while (posting) {
        const { body } = await http(url, 'GET', '/v1/leads?state=assigned&limit=100');
        await mapConcurrent(body.items as Array<{ id: string }>, 4, async (lead) => {
          const r = await http(url, 'POST', `/v1/leads/${lead.id}/close`, { outcome: 'worked' });
          if (r.status === 200) closed.add(lead.id);
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const ids = await mapConcurrent(Array.from({ length: LEADS }, (_, i) => i), CLIENTS, async (i) => {
      const r = await http(url, 'POST', '/v1/leads', { email: `lead${i}@fair.test` });
      expect(r.status).toBe(202);
      return r.body.id as string;
    });
    const db = sb.database.db;
    await eventually(
      async () => {
        const row = await db.selectFrom('assignments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return Number(row.n) === LEADS;
      },
      60_000,
      `all ${LEADS} leads assigned`,
    );
    posting = false;
    await closer;
    expect(closed.size).toBeGreaterThan(0);

    const rows = await db.selectFrom('assignments').select(['rep_id', 'lead_id']).execute();
    expect(new Set(rows.map((r) => r.lead_id))).toEqual(new Set(ids));
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row.rep_id, (counts.get(row.rep_id) ?? 0) + 1);
    const total = WEIGHTS.reduce((a, b) => a + b, 0);
    const deviations = repIds.map((repId, i) => ({ rep: i, weight: WEIGHTS[i], count: counts.get(repId) ?? 0, share: (LEADS * (WEIGHTS[i] as number)) / total }));
    const worst = Math.max(...deviations.map((d) => Math.abs(d.count - d.share)));
    expect(worst, JSON.stringify(deviations)).toBeLessThanOrEqual(2);
  });
});
