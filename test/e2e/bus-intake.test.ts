import { decodeJson, encodeJson, type BusMessage } from '@switchboard/bus';
import type { IntakeDeadLetter } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { availableBuses, createTeamOfReps, eventually, http, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

/** Reads the dead-letter stream of a running Switchboard into an array. */
async function collectDeadLetters(sb: TestSwitchboard): Promise<{ letters: IntakeDeadLetter[]; stop: () => Promise<void> }> {
  const letters: IntakeDeadLetter[] = [];
  const { bus, subjects } = sb.running;
  const subscription = await bus.consume(subjects.streams.deadLetter, { durable: `${subjects.namespace}_test_reader` }, (message: BusMessage) => {
    letters.push(message.json<IntakeDeadLetter>());
    message.ack();
  });
  return { letters, stop: () => subscription.stop() };
}

describe.each(availableBuses)('the intake subject as a public interface, on the %s bus', (bus) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.destroy();
    sb = undefined;
  });

  it('routes a lead published straight onto the intake subject, like an HTTP post', async () => {
    sb = await startTestSwitchboard({ bus });
    const { repIds } = await createTeamOfReps(sb.url, { count: 2, team: 'Web' });
    const assigned: unknown[] = [];
    const watch = await sb.running.bus.subscribe(sb.running.subjects.event('lead.assigned'), (event) => assigned.push(event.json()));
    const { subjects } = sb.running;
    await sb.running.bus.publish(
      subjects.leadIntake,
      encodeJson({ email: 'form@acme.io', company: 'Acme', externalId: 'form-1', team: 'Web', source: 'web-form' }),
      { msgId: 'form-1' },
    );
    const lead = await eventually(async () => {
      const rows = await sb!.database.db.selectFrom('leads').selectAll().where('external_id', '=', 'form-1').execute();
      return rows[0]?.state === 'assigned' && rows[0];
    });
    expect(repIds).toContain(lead.owner_id);
    expect(lead.source).toBe('web-form');
    const detail = await http(sb.url, 'GET', `/v1/leads/${lead.id}`);
    expect(detail.body.events.map((e: { type: string; cause: string }) => `${e.type}:${e.cause}`)).toEqual([
      'lead.received:intake:bus',
      'lead.routing:intake:bus',
      'lead.assigned:offer-accepted',
    ]);
    await eventually(async () => assigned.length === 1);
    expect(assigned[0]).toMatchObject({ type: 'lead.assigned', version: 1, leadId: lead.id, data: { repId: lead.owner_id, externalId: 'form-1' } });
    await watch.stop();
  });

  it('stores a lead published twice (same externalId) once', async () => {
    sb = await startTestSwitchboard({ bus });
    await createTeamOfReps(sb.url, { count: 1 });
    const { subjects } = sb.running;
    for (let i = 0; i < 2; i++) {
      await sb.running.bus.publish(subjects.leadIntake, encodeJson({ email: 'twice@acme.io', externalId: 'cdp-7' }), { msgId: `cdp-7-${i}` });
    }
    await eventually(async () => (await http(sb!.url, 'GET', '/v1/leads?state=assigned')).body.items.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await sb.database.db.selectFrom('leads').select('id').execute()).toHaveLength(1);
  });

  it('dead-letters a malformed lead with its reason and original payload, storing nothing', async () => {
    sb = await startTestSwitchboard({ bus });
    await createTeamOfReps(sb.url, { count: 1 });
    const reader = await collectDeadLetters(sb);
    const { subjects } = sb.running;
    await sb.running.bus.publish(subjects.leadIntake, encodeJson({ company: 'No Email Inc', score: 'high' }));
    await sb.running.bus.publish(subjects.leadIntake, new TextEncoder().encode('{"email": '));
    await sb.running.bus.publish(subjects.leadIntake, encodeJson({ email: 'x@acme.io', team: 'Atlantis' }));
    await eventually(async () => reader.letters.length === 3, 10_000, 'three dead letters');
    const [missing, broken, unknownTeam] = reader.letters;
    expect(missing?.reason).toContain('email:');
    expect(missing?.reason).toContain('unknown field "score"');
    expect(missing?.errors.map((e) => e.path)).toContain('email');
    expect(decodeJson(new TextEncoder().encode(missing?.payload))).toEqual({ company: 'No Email Inc', score: 'high' });
    expect(broken?.reason).toMatch(/^payload is not valid JSON/);
    expect(broken?.payload).toBe('{"email": ');
    expect(unknownTeam?.reason).toBe('team: team "Atlantis" does not exist');
    expect(missing?.originalSubject).toBe(subjects.leadIntake);
    await reader.stop();
    expect(await sb.database.db.selectFrom('leads').select('id').execute()).toHaveLength(0);
  });

  it('dead-letters a lead with text PostgreSQL cannot store (a NUL character), naming the field, instead of redelivering it', async () => {
    sb = await startTestSwitchboard({ bus });
    await createTeamOfReps(sb.url, { count: 1 });
    const reader = await collectDeadLetters(sb);
    await sb.running.bus.publish(sb.running.subjects.leadIntake, encodeJson({ email: 'nul@acme.io', company: 'Ac\u0000me', attributes: { 'k\ud800': 1 } }));
    await eventually(async () => reader.letters.length === 1, 10_000, 'one dead letter');
    expect(reader.letters[0]?.reason).toMatch(/^invalid lead: company: contains a NUL character/);
    expect(reader.letters[0]?.errors.map((e) => e.path)).toEqual(['company']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(reader.letters).toHaveLength(1);
    await reader.stop();
    expect(await sb.database.db.selectFrom('leads').select('id').execute()).toHaveLength(0);
  });
});
