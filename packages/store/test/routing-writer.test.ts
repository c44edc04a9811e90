import { type LeadId, newId, type RepId, type RoutingDecision, type TeamId } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLeadIntakeWriter,
  createLeadRepository,
  createRepRepository,
  createRoutingWriter,
  createTeamRepository,
  createTeamShareLedgerRepository,
  type LeadTransition,
} from '../src/index.ts';

let database: TestDatabase;
let repId: RepId;
let teamId: TeamId;
beforeAll(async () => {
  database = await createTestDatabase();
  const rep = await createRepRepository(database.db).create({ name: 'Sarah', email: 'sarah@x.io', timezone: 'UTC', weight: 1, cap: null, tags: [], caps: {}, workingHours: null, holidays: [], outOfOffice: [], managerId: null });
  repId = rep.id;
  teamId = (await createTeamRepository(database.db).create({ name: 'EMEA', members: [rep.id], strategy: 'round_robin' })).id;
});
afterAll(async () => {
  await database?.drop();
});

async function newLead(): Promise<LeadId> {
  const id = newId<LeadId>();
  await createLeadIntakeWriter(database.db).write({ id, intake: { email: 'l@x.io' }, receivedAt: new Date(), via: 'api' });
  return id;
}

const assignment = (leadId: LeadId, expectedVersion: number): LeadTransition => ({
  leadId,
  expectedVersion,
  state: 'assigned',
  ownerId: repId,
  teamId,
  waitingReason: null,
  snapshot: { value: 'assigned' },
  events: [{ id: newId(), type: 'lead.assigned', from: 'routing', to: 'assigned', cause: 'test', data: {}, traceId: null, at: new Date() }],
  assignment: { repId, teamId, decision: { summary: 'test' } as unknown as RoutingDecision, at: new Date() },
});

describe('routing writer', () => {
  it('commits a transition with its assignment, events and rep state, and bumps the version', async () => {
    const writer = createRoutingWriter(database.db);
    const leadId = await newLead();
    const result = await writer.write({
      lead: assignment(leadId, 0),
      reps: [{ repId, state: 'available', activeLeads: 1, lastAssignedAt: 5000, lastAssignmentSeq: 1, revision: 1 }],
    });
    expect(result).toEqual({ committed: true, version: 1 });
    const lead = await createLeadRepository(database.db).get(leadId);
    expect(lead).toMatchObject({ state: 'assigned', ownerId: repId, teamId });
    expect(lead?.assignments).toHaveLength(1);
    expect(lead?.events.map((e) => e.type)).toEqual(['lead.received', 'lead.assigned']);
    const rep = await createRepRepository(database.db).get(repId);
    expect(rep).toMatchObject({ activeLeads: 1, lastAssignedAt: new Date(5000) });
  });

  it('keeps the newest rep state when an older revision commits later', async () => {
    const writer = createRoutingWriter(database.db);
    const state = (activeLeads: number, revision: number) =>
      ({ repId, state: 'available', activeLeads, lastAssignedAt: null, lastAssignmentSeq: null, revision }) as const;
    await writer.write({ reps: [state(7, 10)] });
    await writer.write({ reps: [state(6, 9)] });
    expect((await createRepRepository(database.db).get(repId))?.activeLeads).toBe(7);
    await writer.write({ reps: [state(8, 11)] });
    expect((await createRepRepository(database.db).get(repId))?.activeLeads).toBe(8);
  });

  it('refuses a write whose expected version is stale and stores none of it', async () => {
    const writer = createRoutingWriter(database.db);
    const leadId = await newLead();
    expect(await writer.write({ lead: assignment(leadId, 0) })).toEqual({ committed: true, version: 1 });
    expect(await writer.write({ lead: assignment(leadId, 0) })).toEqual({ committed: false, reason: 'stale-version' });
    const lead = await createLeadRepository(database.db).get(leadId);
    expect(lead?.assignments).toHaveLength(1);
    expect(lead?.events.filter((e) => e.type === 'lead.assigned')).toHaveLength(1);
  });

  it('stores no rep state of a step found stale — not its load, not its log — while a committed step of the same batch keeps its own', async () => {
    const writer = createRoutingWriter(database.db);
    const reps = createRepRepository(database.db);
    const base = (await reps.get(repId))!;
    const state = (activeLeads: number, revision: number, transition?: boolean) =>
      ({
        repId,
        state: 'available',
        activeLeads,
        lastAssignedAt: null,
        lastAssignmentSeq: null,
        revision,
        ...(transition && { transition: { from: 'available', to: 'capped', cause: 'stale step', at: Date.now() } }),
      }) as const;
    const routed = await newLead();
    expect(await writer.write({ lead: assignment(routed, 0) })).toMatchObject({ committed: true });
    const fresh = await newLead();
    const v = base.revision;
    // One batch: a committed step (load +1) and, with a later revision, a step of an already
    // routed lead (its offer accepted, so +2), which is stale.
    const [committed, stale] = await Promise.all([
      writer.write({ lead: assignment(fresh, 0), reps: [state(base.activeLeads + 1, v + 1)] }),
      writer.write({ lead: assignment(routed, 0), reps: [state(base.activeLeads + 2, v + 2, true)] }),
    ]);
    expect([committed.committed, stale.committed]).toEqual([true, false]);
    expect((await reps.get(repId))?.activeLeads).toBe(base.activeLeads + 1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from rep_events where cause = 'stale step'`.execute(database.db);
    expect(rows[0]!.n).toBe(0);
    // Alone in its batch, a stale step's rep state is not stored either; a rep's own write is.
    expect(await writer.write({ lead: assignment(routed, 0), reps: [state(base.activeLeads + 9, v + 3)] })).toMatchObject({ committed: false });
    expect((await reps.get(repId))?.activeLeads).toBe(base.activeLeads + 1);
    await writer.write({ reps: [state(base.activeLeads, v + 4)] });
    expect((await reps.get(repId))?.activeLeads).toBe(base.activeLeads);
  });

  it('lets only one of two racing writers of the same lead win, within one batch', async () => {
    const writer = createRoutingWriter(database.db);
    const leadId = await newLead();
    const results = await Promise.all([writer.write({ lead: assignment(leadId, 0) }), writer.write({ lead: assignment(leadId, 0) })]);
    expect(results.filter((r) => r.committed)).toHaveLength(1);
    const lead = await createLeadRepository(database.db).get(leadId);
    expect(lead?.assignments).toHaveLength(1);
  });

  it('re-assigns in one statement (the open assignment ends, the next opens) under the one-open-assignment constraint', async () => {
    const writer = createRoutingWriter(database.db);
    const leadId = await newLead();
    expect(await writer.write({ lead: assignment(leadId, 0) })).toMatchObject({ committed: true });
    expect(await writer.write({ lead: { ...assignment(leadId, 1), endAssignment: 'breached' } })).toMatchObject({ committed: true });
    const lead = await createLeadRepository(database.db).get(leadId);
    expect(lead?.assignments.map((a) => a.endReason)).toEqual(['breached', null]);
  });
});

describe('routing writer: weighted credits', () => {
  it('stores a team’s credits with the assignment that moved them, the last given in a batch winning', async () => {
    const writer = createRoutingWriter(database.db);
    const [first, second] = [await newLead(), await newLead()];
    await Promise.all([
      writer.write({ lead: assignment(first, 0), ledgers: [{ teamId, credits: new Map([[repId, 1.5]]) }] }),
      writer.write({ lead: assignment(second, 0), ledgers: [{ teamId, credits: new Map([[repId, -0.5]]) }] }),
    ]);
    const stored = await createTeamShareLedgerRepository(database.db).loadAll();
    expect(stored.get(teamId)).toEqual(new Map([[repId, -0.5]]));
  });
});

describe('the database itself', () => {
  it('refuses a second open assignment of one lead at commit (assignments_one_open_per_lead)', async () => {
    const leadId = await newLead();
    const open = () => sql`insert into assignments (lead_id, rep_id, team_id, decision, assigned_at) values (${leadId}, ${repId}, ${teamId}, '{}', now())`;
    await open().execute(database.db);
    await expect(database.db.transaction().execute(async (trx) => open().execute(trx))).rejects.toMatchObject({
      code: '23P01',
      constraint: 'assignments_one_open_per_lead',
    });
    const rows = await database.db.selectFrom('assignments').select('id').where('lead_id', '=', leadId).execute();
    expect(rows).toHaveLength(1);
  });
});
