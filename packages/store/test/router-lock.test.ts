import type { RepId } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRouterLock, createLeadRepository, createRepRepository, createRoutingWriter, ROUTER_LEASE, RouterLockedError } from '../src/index.ts';
import { assignment, fencingRep, storedLead } from './fenced-write-fixture.ts';

// The router lock of the all role, with its fencing epoch: each holding raises the epoch, a
// second router is refused, and a routing write made under an older epoch stores nothing.

let database: TestDatabase;
let repId: RepId;
beforeAll(async () => {
  database = await createTestDatabase();
  repId = await fencingRep(database.db);
});
afterAll(async () => {
  await database?.drop();
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
    const refused = await storedLead(database.db);
    expect(await stale.write(assignment(refused, repId))).toEqual({ committed: false, reason: 'fenced' });
    const lead = await createLeadRepository(database.db).get(refused);
    expect(lead).toMatchObject({ state: 'new', ownerId: null, assignments: [] });
    expect((await createRepRepository(database.db).get(repId))?.activeLeads).toBe(0);

    const accepted = await storedLead(database.db);
    expect(await fresh.write(assignment(accepted, repId))).toEqual({ committed: true, version: 1 });
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
    const leadId = await storedLead(database.db);
    expect(await writer.write(assignment(leadId, repId))).toEqual({ committed: true, version: 1 });
    expect(seen.slice(0, 2)).toEqual([before, before + 1]);
    await lock.release();
  });
});
