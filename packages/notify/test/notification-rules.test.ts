import { notificationsConfigSchema, type Rep } from '@switchboard/core';
import type { LoggedEvent } from '@switchboard/store';
import { describe, expect, it } from 'vitest';
import type { MessagePayload } from '../src/channel-senders.ts';
import { derivedEventId, type MessagePlanning, messagesFor } from '../src/notification-rules.ts';
import { quietHoursEnd } from '../src/quiet-hours.ts';

const rep = (id: string, email: string, over: Partial<Rep> = {}): Rep => ({ id, email, name: email.split('@')[0]!, timezone: 'UTC', active: true, managerId: null, ...over }) as unknown as Rep;
const MANAGER = rep('00000000-0000-4000-8000-00000000000a', 'mia@acme.io');
const ANA = rep('00000000-0000-4000-8000-000000000001', 'ana@acme.io', { managerId: MANAGER.id, timezone: 'Europe/Lisbon' } as Partial<Rep>);
const BEN = rep('00000000-0000-4000-8000-000000000002', 'ben@acme.io', { managerId: MANAGER.id } as Partial<Rep>);
const TEAM = '00000000-0000-4000-8000-0000000000t1'.replace('t1', 'f1');
const LEAD = '00000000-0000-4000-8000-0000000000c1';
const SLACK_ANA = 'https://hooks.slack.com/services/T1/B1/ana';
const SLACK_TEAM = 'https://hooks.slack.com/services/T1/B1/team';

let lastNow = 0;
const planning = (notifications: unknown, now: number, channels = { slack: true, email: true }): MessagePlanning => (lastNow = now, {
  config: notificationsConfigSchema.parse(notifications),
  repsById: new Map([ANA, BEN, MANAGER].map((r) => [r.id as string, r])),
  preferences: new Map(notificationsConfigSchema.parse(notifications).reps.map((p) => [[ANA, BEN, MANAGER].find((r) => r.email === p.rep)!.id as string, p])),
  teamNames: new Map([[TEAM, 'EMEA']]),
  leads: new Map([[LEAD, { id: LEAD, email: 'grace@navy.example', firstName: 'Grace', lastName: 'Hopper', company: null, teamId: TEAM }]]),
  publicUrl: 'https://sb.example.com/',
  channels,
  now,
});
const event = (type: string, data: Record<string, unknown>, at: string): LoggedEvent => ({ id: '11111111-1111-4111-8111-111111111111', type, version: 1, occurredAt: at, leadId: LEAD, data }) as LoggedEvent;
/** Each notification as `<event> <channel> <destination>`, with ` at <time>` when it is not due at once (at the last planning's now). */
const where = (planned: ReturnType<typeof messagesFor>) =>
  planned.map((n) => `${n.eventType} ${n.channel} ${n.destination}${n.notBefore!.getTime() > lastNow ? ` at ${n.notBefore!.toISOString()}` : ''}`);

describe('what notifies whom', () => {
  const section = { teams: [{ team: 'EMEA', slack: SLACK_TEAM }], reps: [{ rep: 'ana@acme.io', channel: 'slack', slack: SLACK_ANA }] };

  it('tells the owner of an assignment on the preferred channel, and plans the SLA warning at 80% of the response time', () => {
    const at = Date.parse('2026-12-04T10:00:00Z');
    const assigned = event('lead.assigned', { repId: ANA.id, repEmail: ANA.email, teamId: TEAM, summary: 'Round robin in EMEA chose ana.', slaDeadlineAt: '2026-12-04T11:00:00.000Z' }, '2026-12-04T10:00:00.000Z');
    const planned = messagesFor(assigned, planning(section, at));
    expect(where(planned)).toEqual([`lead.assigned slack ${SLACK_ANA}`, `sla.warning slack ${SLACK_ANA} at 2026-12-04T10:48:00.000Z`]);
    expect(planned[1]!.eventId).toBe(derivedEventId(assigned.id, 'sla.warning'));
    expect(planned[1]!.payload).toMatchObject({ onlyIf: { leadId: LEAD, ownerId: ANA.id, slaDeadlineAt: '2026-12-04T11:00:00.000Z' } });
    const blocks = (planned[0]!.payload as MessagePayload).slack!.blocks as any[];
    expect(blocks[1].text.text).toContain('Round robin in EMEA chose ana.');
    // The deadline in the rep's own time zone.
    expect(blocks[1].text.text).toContain('*Respond by:* Fri 4 Dec, 11:00 (Europe/Lisbon)');
    expect(blocks[2].elements[0].url).toBe(`https://sb.example.com/leads/${LEAD}`);
    // A rep without preferences hears by email; a configured fraction moves the warning.
    const ben = messagesFor(event('lead.assigned', { repId: BEN.id, teamId: TEAM, summary: 's', slaDeadlineAt: '2026-12-04T11:00:00.000Z' }, '2026-12-04T10:00:00.000Z'), planning({ ...section, slaWarning: 0.5 }, at));
    expect(where(ben)).toEqual(['lead.assigned email ben@acme.io', 'sla.warning email ben@acme.io at 2026-12-04T10:30:00.000Z']);
    expect((ben[0]!.payload as MessagePayload).email).toMatchObject({ to: 'ben@acme.io', subject: 'New lead for you: Grace Hopper' });
  });

  it('tells the old owner and the manager of a breach, the new owner of the reassignment, and the team of a long wait', () => {
    const at = Date.parse('2026-12-04T12:00:00Z');
    expect(where(messagesFor(event('lead.breached', { repId: ANA.id, deadlineAt: '2026-12-04T11:00:00.000Z', breaches: 1 }, '2026-12-04T12:00:00.000Z'), planning(section, at)))).toEqual([
      `lead.breached slack ${SLACK_ANA}`,
      'lead.breached email mia@acme.io',
    ]);
    expect(where(messagesFor(event('lead.assigned', { repId: BEN.id, teamId: TEAM, summary: 's', reassigned: true, slaDeadlineAt: null }, '2026-12-04T12:00:00.000Z'), planning(section, at)))).toEqual([
      'lead.assigned email ben@acme.io',
    ]);
    expect(where(messagesFor(event('lead.unassigned_alert', { teamId: TEAM, waitingSince: null, waitedMs: 5_400_000, reason: 'nobody in EMEA is available' }, '2026-12-04T12:00:00.000Z'), planning(section, at)))).toEqual([
      `lead.unassigned_alert slack ${SLACK_TEAM}`,
    ]);
    // An escalation: the manager now holding it, and the team; events nobody subscribes to notify nobody.
    expect(where(messagesFor(event('lead.escalated', { repId: MANAGER.id, lastOwnerId: ANA.id, reason: null, breaches: 3 }, '2026-12-04T12:00:00.000Z'), planning(section, at)))).toEqual([
      'lead.escalated email mia@acme.io',
      `lead.escalated slack ${SLACK_TEAM}`,
    ]);
    expect(messagesFor(event('lead.breached', { repId: ANA.id, deadlineAt: null, breaches: 1 }, '2026-12-04T12:00:00.000Z'), planning({ ...section, on: { 'lead.assigned': ['owner'] } }, at))).toEqual([]);
  });

  it('holds a message due in a rep’s quiet hours to their end, or sends it by email if the rep says so', () => {
    const quiet = (then: 'wait' | 'email') => ({ reps: [{ rep: 'ana@acme.io', channel: 'slack', slack: SLACK_ANA, quietHours: { from: '22:00', to: '07:00', then } }] });
    const late = event('lead.assigned', { repId: ANA.id, teamId: TEAM, summary: 's', slaDeadlineAt: null }, '2026-07-04T22:30:00.000Z');
    // 23:30 in Lisbon (summer time, UTC+1): quiet until 07:00 there, 06:00 UTC.
    expect(where(messagesFor(late, planning(quiet('wait'), Date.parse('2026-07-04T22:30:00Z'))))).toEqual([`lead.assigned slack ${SLACK_ANA} at 2026-07-05T06:00:00.000Z`]);
    expect(where(messagesFor(late, planning(quiet('email'), Date.parse('2026-07-04T22:30:00Z'))))).toEqual(['lead.assigned email ana@acme.io']);
    // Without an email channel on this deployment, it waits instead.
    expect(where(messagesFor(late, planning(quiet('email'), Date.parse('2026-07-04T22:30:00Z'), { slack: true, email: false })))).toEqual([
      `lead.assigned slack ${SLACK_ANA} at 2026-07-05T06:00:00.000Z`,
    ]);
  });

  it('works out the end of quiet hours on the rep’s wall clock, across midnight and DST', () => {
    const q = { from: '22:00', to: '07:00' };
    expect(quietHoursEnd(Date.parse('2026-03-28T23:30:00Z'), q, 'Europe/Lisbon')).toBe(Date.parse('2026-03-29T06:00:00Z')); // DST starts that night
    expect(quietHoursEnd(Date.parse('2026-03-29T05:00:00Z'), q, 'Europe/Lisbon')).toBe(Date.parse('2026-03-29T06:00:00Z'));
    expect(quietHoursEnd(Date.parse('2026-03-29T12:00:00Z'), q, 'Europe/Lisbon')).toBeNull();
    expect(quietHoursEnd(Date.parse('2026-03-29T12:30:00Z'), { from: '12:00', to: '13:00' }, 'UTC')).toBe(Date.parse('2026-03-29T13:00:00Z'));
    expect(quietHoursEnd(Date.parse('2026-03-29T13:00:00Z'), { from: '12:00', to: '13:00' }, 'UTC')).toBeNull();
  });
});
