import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// A SIGKILL between a rep accepting an offer and the lead's step committing left the stored
// load counting leads the rep never got: every rep read "capped 250/250" while holding 248,
// and the lost slots stayed lost after a clean restart (issue 11, item 5). The router now
// recounts each rep's load from the leads it holds when it starts.

let sb: TestSwitchboard | undefined;
afterEach(async () => {
  await sb?.destroy();
  sb = undefined;
});

async function postLead(url: string, email: string): Promise<string> {
  const posted = await http(url, 'POST', '/v1/leads', { email });
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  return posted.body.id as string;
}

const stateOf = async (url: string, id: string): Promise<string> => (await http(url, 'GET', `/v1/leads/${id}`)).body.state;

describe('rep load after a crash', () => {
  it('recounts a rep’s active load and day-cap window from the leads it holds when the router starts', async () => {
    sb = await startTestSwitchboard({ bus: 'in-process' });
    const rep = await http(sb.url, 'POST', '/v1/reps', { name: 'Cap Two', email: 'cap2@acme.test', cap: 2, caps: { day: 3 } });
    expect(rep.status, JSON.stringify(rep.body)).toBe(201);
    expect((await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [rep.body.id] })).status).toBe(201);
    const first = await postLead(sb.url, 'first@lead.io');
    await eventually(async () => (await stateOf(sb!.url, first)) === 'assigned');
    await sb.stop();

    // What a kill mid-burst leaves behind: the stored load and the day window count two
    // leads more than the rep holds (offers it accepted whose steps never committed).
    const db = sb.database.db;
    await sql`
      update reps set active_leads = 2, state = 'capped',
        snapshot = jsonb_set(jsonb_set(snapshot, '{context,windows,day,count}', '3'::jsonb), '{context,activeLeads}', '2'::jsonb)
      where id = ${rep.body.id}`.execute(db);

    sb = await sb.restart();
    const restored = (await http(sb.url, 'GET', `/v1/reps/${rep.body.id}`)).body;
    expect(restored).toMatchObject({ state: 'available', activeLeads: 1 });
    const stored = await db.selectFrom('reps').select(['active_leads', 'state', 'snapshot']).where('id', '=', rep.body.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ active_leads: 1, state: 'available', snapshot: { machineVersion: 4, context: { activeLeads: 1, windows: { day: { count: 1 } } } } });
    const reconciled = await db.selectFrom('rep_events').select(['from_state', 'to_state', 'cause']).where('rep_id', '=', rep.body.id).where('cause', '=', 'reconciled').execute();
    expect(reconciled).toEqual([{ from_state: 'capped', to_state: 'available', cause: 'reconciled' }]);

    // The slot is usable again: the next lead goes to the rep, which is then at its cap of two.
    const second = await postLead(sb.url, 'second@lead.io');
    await eventually(async () => (await stateOf(sb!.url, second)) === 'assigned');
    const third = await postLead(sb.url, 'third@lead.io');
    await eventually(async () => (await stateOf(sb!.url, third)) === 'waiting');
    expect((await http(sb.url, 'GET', `/v1/reps/${rep.body.id}`)).body).toMatchObject({ state: 'capped', activeLeads: 2 });
  });
});
