import type { LeadId, RepId, TeamId } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { LeadDraft, leadSnapshotForStore, leadStateFromStore, newLeadSnapshot } from '../src/index.ts';

// A lead's steps as pure transitions: the draft changes, the snapshot it started from does not,
// and the log is what the machine emitted on the way, microstep by microstep.

const r1 = 'r1' as RepId;
const r2 = 'r2' as RepId;
const t1 = 't1' as TeamId;
const at = (ms: number) => new Date(ms).toISOString();
const record = { repEmail: 'ana@acme.io', ruleName: 'EMEA', summary: 'Ana: next in turn', externalId: 'sf-1' };
const steps = (draft: LeadDraft) => draft.log.map((entry) => `${entry.type} ${entry.from}→${entry.to}`);

function assigned(maxBreaches = 3) {
  const draft = new LeadDraft(newLeadSnapshot({ leadId: 'l1' as LeadId }));
  draft.send({ type: 'ROUTE' });
  draft.send({ type: 'ASSIGNED', repId: r1, teamId: t1, deadlineAt: 10_000, maxBreaches, managerId: r2, record });
  return draft;
}

describe('lead steps as pure transitions', () => {
  it('leaves the snapshot it started from as it was', () => {
    const start = newLeadSnapshot({ leadId: 'l1' as LeadId });
    const draft = new LeadDraft(start);
    draft.send({ type: 'ROUTE' });
    expect(start.value).toBe('new');
    expect(draft.getSnapshot().value).toBe('routing');
  });

  it('logs routing and the assignment with what the decision said of it', () => {
    const draft = assigned();
    expect(steps(draft)).toEqual(['lead.routing new→routing', 'lead.assigned routing→assigned']);
    expect(draft.log[1]).toMatchObject({
      cause: 'offer-accepted',
      data: { repId: r1, repEmail: 'ana@acme.io', teamId: t1, ruleName: 'EMEA', externalId: 'sf-1', summary: record.summary, reassigned: false, slaDeadlineAt: at(10_000) },
    });
  });

  it('logs a breach from the state it left, then routing again from the transient breached state, and marks the next assignment reassigned', () => {
    const draft = assigned();
    draft.send({ type: 'TOUCH', touch: 'call', at: 2_000, followUpDeadlineAt: 20_000 });
    const start = draft.log.length;
    draft.send({ type: 'SLA_EXPIRED', deadlineAt: 20_000 });
    draft.send({ type: 'ASSIGNED', repId: r2, teamId: t1, deadlineAt: 30_000, record });
    expect(steps(draft).slice(start)).toEqual(['lead.breached touched→breached', 'lead.routing breached→routing', 'lead.assigned routing→assigned']);
    expect(draft.log[start]?.data).toEqual({ repId: r1, deadlineAt: at(20_000), breaches: 1 });
    expect(draft.log.at(-1)?.data).toMatchObject({ repId: r2, reassigned: true });
  });

  it('logs an escalation to the breaching owner’s manager, naming the owner who breached', () => {
    const draft = assigned(1);
    draft.send({ type: 'SLA_EXPIRED', deadlineAt: 10_000 });
    expect(steps(draft).slice(2)).toEqual(['lead.breached assigned→breached', 'lead.escalated breached→escalated']);
    expect(draft.log.at(-1)?.data).toEqual({ repId: r2, lastOwnerId: r1, reason: null, breaches: 1 });
  });

  it('logs nothing for a timer that is not the current deadline, nor for a declined offer', () => {
    const draft = assigned();
    draft.send({ type: 'SLA_EXPIRED', deadlineAt: 9_999 });
    const routing = new LeadDraft(newLeadSnapshot({ leadId: 'l2' as LeadId }));
    routing.send({ type: 'ROUTE' });
    routing.send({ type: 'DECLINED', repId: r1 });
    expect(steps(draft)).toHaveLength(2);
    expect(steps(routing)).toEqual(['lead.routing new→routing']);
  });

  it('logs waiting with the whole decision kept for the log only, and an unassigned alert with how long it waited', () => {
    const draft = new LeadDraft(newLeadSnapshot({ leadId: 'l1' as LeadId }));
    draft.send({ type: 'ROUTE' });
    const decision = { summary: 'nobody is available' } as never;
    draft.send({ type: 'NO_CANDIDATE', teamId: t1, reason: 'nobody is available', at: 1_000, queue: 'overflow', decision });
    draft.send({ type: 'UNASSIGNED_ALERT', at: 61_000 });
    const [, waiting, alert] = draft.log;
    expect(waiting).toMatchObject({ type: 'lead.waiting', cause: 'no-candidate', data: { teamId: t1, queue: 'overflow', reason: 'nobody is available' } });
    expect(waiting?.logData).toEqual({ ...waiting?.data, decision });
    expect(alert).toMatchObject({ type: 'lead.unassigned_alert', from: 'waiting', to: 'waiting', data: { waitingSince: at(1_000), waitedMs: 60_000 } });
  });

  it('logs rejection, re-routing, touches and closing with the owner they concern', () => {
    const rejected = assigned();
    rejected.send({ type: 'REJECT', repId: r1, reason: 'not my territory' });
    expect(rejected.log.at(-1)).toMatchObject({ type: 'lead.rejected', from: 'assigned', to: 'routing', data: { repId: r1, reason: 'not my territory' } });
    const rerouted = assigned();
    rerouted.send({ type: 'REROUTE', reason: 'owner deactivated' });
    expect(rerouted.log.at(-1)).toMatchObject({ type: 'lead.rerouted', data: { repId: r1, reason: 'owner deactivated' } });
    const closed = assigned();
    closed.send({ type: 'TOUCH', touch: 'email', at: 1, followUpDeadlineAt: null });
    closed.send({ type: 'CLOSE', outcome: 'converted', converted: true });
    expect(steps(closed).slice(2)).toEqual(['lead.touched assigned→touched', 'lead.converted touched→converted']);
    expect(closed.log.at(-1)?.data).toEqual({ outcome: 'converted', repId: r1 });
  });

  it('goes on from a stored snapshot as from the live one', () => {
    const draft = assigned();
    const restored = new LeadDraft(leadStateFromStore(JSON.parse(JSON.stringify(leadSnapshotForStore(draft.getSnapshot()))), { escalationOf: () => ({ escalateTo: 'manager', ownerManagerId: null }) }));
    restored.send({ type: 'CLOSE', outcome: 'lost', converted: false });
    expect(restored.getSnapshot().status).toBe('done');
    expect(steps(restored)).toEqual(['lead.closed assigned→closed']);
  });
});
