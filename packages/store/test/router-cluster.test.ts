import type { RepId } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireRouterLock,
  createLeadRepository,
  createRoutingWriter,
  createTeamRepository,
  joinRouterCluster,
  type PartitionLease,
  type RouterCluster,
  RouterLockedError,
} from '../src/index.ts';
import { assignment, fencingRep, storedLead } from './fenced-write-fixture.ts';

// Partitioned routers: members, partition leases with their epochs, and the topology version
// that keeps routers of two partition maps from running at once.

let database: TestDatabase;
let repId: RepId;
beforeAll(async () => {
  database = await createTestDatabase();
  repId = await fencingRep(database.db);
});
afterAll(async () => {
  await database?.drop();
});

const joined: RouterCluster[] = [];
const join = async () => {
  const member = await joinRouterCluster({ url: database.url, namespace: 'sb' });
  joined.push(member);
  return member;
};
const leaveAll = async () => {
  for (const member of joined.splice(0)) await member.leave();
};
const lease = (taken: PartitionLease | string): PartitionLease => {
  if (typeof taken === 'string') throw new Error(`expected a lease, got "${taken}"`);
  return taken;
};


describe('router cluster', () => {
  it('lists its live members, and forgets one whose connection ended', async () => {
    const a = await join();
    const b = await join();
    expect(await a.members()).toEqual([a.memberId, b.memberId].sort((x, y) => x - y));
    await b.leave();
    await expect.poll(() => a.members()).toEqual([a.memberId]);
    await leaveAll();
  });

  it('gives a partition to one router at a time, raising its epoch on each taking', async () => {
    const a = await join();
    const b = await join();
    const version = await a.topologyVersion();
    const first = lease(await a.take(version, 'p1', ['p1', 'p2']));
    expect(await b.take(version, 'p1', ['p1', 'p2'])).toBe('held');
    const other = lease(await b.take(version, 'p2', ['p1', 'p2']));
    expect(other.name).toBe(`partition:${version}:p2`);
    await a.release(first);
    const second = lease(await b.take(version, 'p1', ['p1', 'p2']));
    expect(second.epoch).toBe(first.epoch + 1);
    // A member that dies (its connection ends) lets go of everything at once.
    await b.leave();
    expect(lease(await a.take(version, 'p1', ['p1', 'p2'])).epoch).toBe(second.epoch + 1);
    await leaveAll();
  });

  it('refuses a partition of a stale map, and any partition while one of another map is held', async () => {
    const a = await join();
    const b = await join();
    const before = await a.topologyVersion();
    const old = lease(await a.take(before, 'p1', ['p1']));
    // A team created: the database raises the topology version itself.
    await createTeamRepository(database.db).create({ name: `T${before}`, members: [], strategy: 'round_robin' });
    const after = await b.topologyVersion();
    expect(after).toBeGreaterThan(before);
    expect(await b.take(before, 'p2', ['p1', 'p2'])).toBe('stale-map');
    expect(await b.take(after, 'p1', ['p1'])).toBe('other-map-held');
    await a.release(old);
    const taken = lease(await b.take(after, 'p1', ['p1']));
    expect(taken.name).toBe(`partition:${after}:p1`);
    // The old map's lease row is gone: a write its router might still send is fenced off.
    const writer = createRoutingWriter(database.db, { epoch: () => old.epoch, lease: old.name });
    const leadId = await storedLead(database.db);
    expect(await writer.write(assignment(leadId, repId))).toEqual({ committed: false, reason: 'fenced' });
    expect(await createLeadRepository(database.db).get(leadId)).toMatchObject({ state: 'new', assignments: [] });
    const current = createRoutingWriter(database.db, { epoch: () => taken.epoch, lease: taken.name });
    expect(await current.write(assignment(leadId, repId))).toEqual({ committed: true, version: 1 });
    await leaveAll();
  });

  it('does not run next to a process of the all role, and waits until it stops', async () => {
    const all = await acquireRouterLock({ url: database.url, namespace: 'sb' });
    const refusals: RouterLockedError[] = [];
    const joining = joinRouterCluster({ url: database.url, namespace: 'sb', retryMs: 50, onRefused: (error) => refusals.push(error) });
    await expect.poll(() => refusals.length).toBeGreaterThan(0);
    expect(refusals[0]?.message).toContain('routes alone');
    await all.release();
    const member = await joining;
    joined.push(member);
    // And the other way round: the all role is refused while a partitioned router runs.
    await expect(acquireRouterLock({ url: database.url, namespace: 'sb' })).rejects.toBeInstanceOf(RouterLockedError);
    await leaveAll();
  });

  it('raises the topology version for what moves partitions, not for a rep\'s load', async () => {
    const version = async () => Number((await sql<{ version: string }>`select version from routing_topology`.execute(database.db)).rows[0]?.version);
    const start = await version();
    await sql`update reps set active_leads = active_leads + 1 where id = ${repId}`.execute(database.db);
    expect(await version()).toBe(start);
    await sql`update reps set email = 'sarah.b@x.io' where id = ${repId}`.execute(database.db);
    expect(await version()).toBe(start + 1);
  });

  it('never lets two routers hold one partition, nor partitions of two maps at once, however takes, releases and topology changes interleave', { timeout: 120_000 }, async () => {
    const members = [await join(), await join(), await join()];
    const KEYS = ['p1', 'p2'];
    const opArb = fc.record({
      member: fc.integer({ min: 0, max: 2 }),
      op: fc.constantFrom('take', 'take', 'release', 'refresh', 'bump'),
      key: fc.constantFrom(...KEYS),
    });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(opArb, { minLength: 4, maxLength: 16 }), async (s, ops) => {
        const start = await members[0]!.topologyVersion();
        const believed = members.map(() => start);
        const held = members.map(() => new Map<string, PartitionLease>());
        const violations: string[] = [];
        const check = () => {
          const all = held.flatMap((leases) => [...leases.values()]);
          if (new Set(all.map((l) => l.version)).size > 1) violations.push(`two maps at once: ${all.map((l) => l.name).join(', ')}`);
          if (new Set(all.map((l) => l.key)).size < all.length) violations.push(`a partition held twice: ${all.map((l) => l.name).join(', ')}`);
        };
        // Each member runs its own operations in order; the scheduler interleaves the members.
        const run = Promise.all(
          members.map(async (member, m) => {
            for (const { op, key } of ops.filter((o) => o.member === m)) {
              await s.schedule(Promise.resolve(`${m}:${op}:${key}`));
              if (op === 'bump') await sql`update routing_topology set version = version + 1`.execute(database.db);
              else if (op === 'refresh') {
                // A router that sees a new map lets go of the old one first, as the partitioned router does.
                const now = await member.topologyVersion();
                if (now !== believed[m]) {
                  for (const lease of [...held[m]!.values()]) {
                    held[m]!.delete(lease.key);
                    await member.release(lease);
                  }
                  believed[m] = now;
                }
              } else if (op === 'release') {
                const lease = held[m]!.get(key);
                if (lease) {
                  held[m]!.delete(key);
                  await member.release(lease);
                }
              } else if (!held[m]!.has(key)) {
                const taken = await member.take(believed[m]!, key, KEYS);
                if (typeof taken !== 'string') {
                  held[m]!.set(key, taken);
                  check();
                }
              }
            }
          }),
        );
        await s.waitFor(run);
        for (const [m, leases] of held.entries()) for (const lease of leases.values()) await members[m]!.release(lease);
        expect(violations).toEqual([]);
      }),
      { numRuns: 40 },
    );
    await leaveAll();
  });
});
