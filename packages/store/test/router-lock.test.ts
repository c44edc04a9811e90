import { type LeadId, newId, type RepId, type RoutingDecision } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRouterLock, createLeadIntakeWriter, createLeadRepository, createRepRepository, createRoutingWriter, ROUTER_LEASE, RouterLockedError, type RoutingWrite } from '../src/index.ts';

// The router lock with its fencing epoch: each holding raises the epoch, a standby takes the lock
// once it is free, and a routing write made under an older epoch stores nothing.

let database: TestDatabase;
let repId: RepId;
beforeAll(async () => {
  database = await createTestDatabase();
  repId = (await createRepRepository(database.db).create({ name: 'Sarah', email: 'sarah@x.io', timezone: 'UTC', weight: 1, cap: null, tags: [], caps: {}, workingHours: null, holidays: [], outOfOffice: [], managerId: null })).id;
});
afterAll(async () => {
  await database?.drop();
});

async function newLead(): Promise<LeadId> {
  const id = newId<LeadId>();
  await createLeadIntakeWriter(database.db).write({ id, intake: { email: 'l@x.io' }, receivedAt: new Date(), via: 'api' });
  return id;
}

let revision = 0;
const assignedUnder = (leadId: LeadId): RoutingWrite => ({
  lead: {
    leadId,
    expectedVersion: 0,
    state: 'assigned' as const,
    ownerId: repId,
    teamId: null,
    waitingReason: null,
    snapshot: { value: 'assigned' },
    events: [{ id: newId(), type: 'lead.assigned', from: 'routing', to: 'assigned', cause: 'test', data: {}, traceId: null, at: new Date() }],
    assignment: { repId, teamId: null, decision: { summary: 'test' } as unknown as RoutingDecision, at: new Date() },
  },
  reps: [{ repId, state: 'available', activeLeads: 1, lastAssignedAt: 5000, lastAssignmentSeq: 1, revision: ++revision }],
});

describe('router lock', () => {
  it('refuses a second router, naming the first, and raises the fencing epoch on every holding', async () => {
    const first = await acquireRouterLock({ url: database.url, namespace: 'sb' });
    const refused = await acquireRouterLock({ url: database.url, namespace: 'sb' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RouterLockedError);
    expect((refused as RouterLockedError).message).toContain(`"switchboard-router sb on`);
    await first.release();
    const second = await acquireRouterLock({ url: database.url, namespace: 'sb' });
    expect(second.epoch).toBe(first.epoch + 1);
    await second.release();
  });

  it('refuses a routing write made under an older epoch: nothing of it is stored, and the writer says fenced', async () => {
    const old = await acquireRouterLock({ url: database.url, namespace: 'sb' });
    const oldEpoch = old.epoch;
    await old.release();
    const current = await acquireRouterLock({ url: database.url, namespace: 'sb' });
    const stale = createRoutingWriter(database.db, { epoch: () => oldEpoch });
    const fresh = createRoutingWriter(database.db, { epoch: () => current.epoch });
    const refused = await newLead();
    expect(await stale.write(assignedUnder(refused))).toEqual({ committed: false, reason: 'fenced' });
    const lead = await createLeadRepository(database.db).get(refused);
    expect(lead).toMatchObject({ state: 'new', ownerId: null, assignments: [] });
    expect((await createRepRepository(database.db).get(repId))?.activeLeads).toBe(0);

    const accepted = await newLead();
    expect(await fresh.write(assignedUnder(accepted))).toEqual({ committed: true, version: 1 });
    expect((await createRepRepository(database.db).get(repId))?.activeLeads).toBe(1);
    await current.release();
  });

  it('writes a batch again under the new epoch when its own router raised it meanwhile (it took its lock back)', async () => {
    const lock = await acquireRouterLock({ url: database.url, namespace: 'sb' });
    const before = lock.epoch;
    // As a retake does: the epoch rises in the database while a batch built under the old one is on its way.
    await sql`update router_leases set epoch = epoch + 1 where name = ${ROUTER_LEASE}`.execute(database.db);
    const seen: number[] = [];
    const writer = createRoutingWriter(database.db, { epoch: () => (seen.push(seen.length === 0 ? before : before + 1), seen.at(-1)!) });
    const leadId = await newLead();
    expect(await writer.write(assignedUnder(leadId))).toEqual({ committed: true, version: 1 });
    expect(seen.slice(0, 2)).toEqual([before, before + 1]);
    await lock.release();
  });
});
