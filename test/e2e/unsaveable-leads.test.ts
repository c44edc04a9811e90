import type { BusMessage } from '@switchboard/bus';
import type { IntakeDeadLetter } from '@switchboard/core';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { availableBuses, eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

// An acknowledged lead never gets stuck: a priority of any size is stored as it is, and a lead
// whose routing outcome the database refuses is dead-lettered with the reason instead of being
// redelivered forever (issue 11, item 3).

describe.each(availableBuses)('leads that were hard to store, on the %s bus', (bus) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  async function awayRepAndTeam(url: string): Promise<string> {
    const rep = await http(url, 'POST', '/v1/reps', { name: 'Rita Away', email: `rita-${Math.random().toString(36).slice(2, 8)}@acme.test`, cap: 1 });
    expect(rep.status, JSON.stringify(rep.body)).toBe(201);
    expect((await http(url, 'POST', '/v1/teams', { name: 'Inbound', members: [rep.body.id] })).status).toBe(201);
    expect((await http(url, 'PATCH', `/v1/reps/${rep.body.id}`, { available: false })).status).toBe(200);
    return rep.body.id as string;
  }

  it('keeps priorities beyond a 32-bit integer (1.5, 2^31, 1e20, "99999999999") in the waiting line, and offers the highest first', async () => {
    sb = await startTestSwitchboard({ bus });
    const rita = await awayRepAndTeam(sb.url);
    const priorities = [1.5, 2147483648, 1e20, '99999999999', -1e20];
    const ids: string[] = [];
    for (const [i, priority] of priorities.entries()) {
      const posted = await http(sb.url, 'POST', '/v1/leads', { email: `p${i}@lead.io`, attributes: { priority } });
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      ids.push(posted.body.id as string);
    }
    const waiting = await eventually(
      async () => {
        const leads = await Promise.all(ids.map(async (id) => (await http(sb!.url, 'GET', `/v1/leads/${id}`)).body));
        return leads.every((l) => l.state === 'waiting') && leads;
      },
      15_000,
      'every lead waiting',
    );
    expect(waiting.map((l) => l.priority)).toEqual([1.5, 2147483648, 1e20, 99999999999, -1e20]);

    // Rita comes back with room for one: the lead with the highest priority goes first.
    expect((await http(sb.url, 'PATCH', `/v1/reps/${rita}`, { available: true })).status).toBe(200);
    const first = await eventually(async () => {
      const { body } = await http(sb!.url, 'GET', `/v1/leads?state=assigned`);
      return body.items[0]?.id as string | undefined;
    });
    expect(first).toBe(ids[2]);
  });

  it('dead-letters, once and with the reason, a lead whose routing outcome the database refuses, instead of redelivering it forever', async () => {
    sb = await startTestSwitchboard({ bus });
    await awayRepAndTeam(sb.url);
    // A rule of this schema's own that makes one lead impossible to store as waiting.
    await sql`alter table leads add constraint test_no_waiting_unsaveable check (state <> 'waiting' or company is distinct from 'Unsaveable Inc')`.execute(
      sb.database.db,
    );
    const letters: IntakeDeadLetter[] = [];
    const { subjects } = sb.running;
    const reader = await sb.running.bus.consume(subjects.streams.deadLetter, { durable: `${subjects.namespace}_test_reader` }, (message: BusMessage) => {
      letters.push(message.json<IntakeDeadLetter>());
      message.ack();
    });
    try {
      const stuck = await http(sb.url, 'POST', '/v1/leads', { email: 'stuck@lead.io', company: 'Unsaveable Inc' });
      expect(stuck.status).toBe(202);
      const fine = await http(sb.url, 'POST', '/v1/leads', { email: 'fine@lead.io', company: 'Fine Inc' });
      expect(fine.status).toBe(202);

      const lead = await eventually(async () => {
        const { body } = await http(sb!.url, 'GET', `/v1/leads/${stuck.body.id}`);
        return body.deadLetterReason && body;
      }, 15_000, 'the lead dead-lettered');
      expect(lead.state).toBe('new');
      expect(lead.deadLetterReason).toMatch(/could not be stored.*test_no_waiting_unsaveable/);
      const letter = await eventually(async () => letters.find((l) => l.payload.includes('stuck@lead.io')));
      expect(letter.reason).toBe(lead.deadLetterReason);

      // The other lead is unaffected, and the stuck one is not tried again: a redelivery
      // (every second before) or a sweep would log a second dead letter or a routing step.
      await eventually(async () => (await http(sb!.url, 'GET', `/v1/leads/${fine.body.id}`)).body.state === 'waiting');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const after = (await http(sb.url, 'GET', `/v1/leads/${stuck.body.id}`)).body;
      expect(after.events.map((e: { type: string }) => e.type)).toEqual(['lead.received', 'lead.dead_lettered']);
      expect(letters.filter((l) => l.payload.includes('stuck@lead.io'))).toHaveLength(1);

      // A restart does not pick it up again either.
      sb = await sb.restart();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const restarted = (await http(sb.url, 'GET', `/v1/leads/${stuck.body.id}`)).body;
      expect(restarted.events.map((e: { type: string }) => e.type)).toEqual(['lead.received', 'lead.dead_lettered']);
    } finally {
      await reader.stop();
    }
  });
});
