import { availableIntervals, type LeadId, newId, type RepId, type TeamId } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadIntakeWriter, createRepRepository, createReportRepository, createTeamRepository, type ReportRepository } from '../src/index.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z');
const period = { from: new Date(T0), to: new Date(T0 + 10 * H) };

let database: TestDatabase;
let reports: ReportRepository;
const rep: Record<string, RepId> = {};
let emea: TeamId;

async function repEvent(repId: RepId, at: number, from: string, to: string): Promise<void> {
  await database.db.insertInto('rep_events').values({ rep_id: repId, from_state: from, to_state: to, cause: 'test', active_leads: 0, occurred_at: new Date(at) }).execute();
}

async function assign(repId: RepId, teamId: TeamId | null, at: number): Promise<void> {
  const leadId = newId<LeadId>();
  await createLeadIntakeWriter(database.db).write({ id: leadId, intake: { email: 'l@x.io' }, receivedAt: new Date(at), via: 'api' });
  await database.db
    .insertInto('assignments')
    .values({ lead_id: leadId, rep_id: repId, team_id: teamId, decision: '{}', assigned_at: new Date(at), ended_at: new Date(at + 1), end_reason: 'closed' })
    .execute();
}

beforeAll(async () => {
  database = await createTestDatabase();
  reports = createReportRepository(database.db);
  const reps = createRepRepository(database.db);
  for (const name of ['ana', 'ben', 'cat', 'dan']) {
    const created = await reps.create({ name, email: `${name}@x.io`, timezone: 'UTC', weight: name === 'ben' ? 2 : 1, cap: null, tags: [], caps: {}, workingHours: null, holidays: [], outOfOffice: [], managerId: null });
    rep[name] = created.id;
  }
  await sql`update reps set created_at = ${new Date(T0 - 24 * H)}`.execute(database.db);
  const teams = createTeamRepository(database.db);
  emea = (await teams.create({ name: 'EMEA', members: [rep.ben as RepId, rep.ana as RepId], strategy: 'weighted_round_robin' })).id;
  const apac = (await teams.create({ name: 'APAC', members: [rep.dan as RepId], strategy: 'round_robin' })).id;
  // ana: away since before the period, back at 4h. ben: no change in the period; away at 20h (after it).
  // cat: away 2h–3h inside it. dan: never changed, deactivated.
  await repEvent(rep.ana as RepId, T0 - 2 * H, 'available', 'away');
  await repEvent(rep.ana as RepId, T0 + 4 * H, 'away', 'available');
  await repEvent(rep.ben as RepId, T0 + 20 * H, 'available', 'away');
  await repEvent(rep.cat as RepId, T0 + 2 * H, 'available', 'away');
  await repEvent(rep.cat as RepId, T0 + 3 * H, 'away', 'available');
  await database.db.updateTable('reps').set({ active: false, state: 'inactive' }).where('id', '=', rep.dan as RepId).execute();
  await assign(rep.ben as RepId, emea, T0 + H);
  await assign(rep.ben as RepId, emea, T0 + 5 * H);
  await assign(rep.cat as RepId, emea, T0 + 6 * H); // cat is no member of EMEA, but EMEA assigned it a lead
  await assign(rep.ana as RepId, apac, T0 + 6 * H);
  await assign(rep.ana as RepId, emea, T0 + 11 * H); // after the period
});
afterAll(async () => {
  await database?.drop();
});

const eligibleHours = (records: Awaited<ReturnType<ReportRepository['fairnessReps']>>) =>
  Object.fromEntries(
    records.map((r) => [r.name, availableIntervals(r.history, period.from.getTime(), period.to.getTime()).reduce((s, i) => s + (i.to - i.from), 0) / H]),
  );

describe('report repository: fairnessReps', () => {
  it('gives a team’s members in member order, and anyone else the team assigned to, with the state log around the period', async () => {
    const records = await reports.fairnessReps(period, { id: emea, members: [rep.ben as RepId, rep.ana as RepId] });
    expect(records.map((r) => [r.name, r.weight, r.assignments])).toEqual([
      ['ben', 2, 2],
      ['ana', 1, 0],
      ['cat', 1, 1],
    ]);
    expect(eligibleHours(records)).toEqual({ ben: 10, ana: 6, cat: 9 });
    const ana = records.find((r) => r.name === 'ana');
    expect(ana?.history.priorChange).toEqual({ at: T0 - 2 * H, from: 'available', to: 'away' });
  });

  it('without a team, gives every active rep by name, with all their assignments in the period', async () => {
    const records = await reports.fairnessReps(period, null);
    expect(records.map((r) => [r.name, r.assignments])).toEqual([
      ['ana', 1],
      ['ben', 2],
      ['cat', 1],
    ]);
  });

  it('keeps an inactive rep who was assigned a lead in the period', async () => {
    await assign(rep.dan as RepId, null, T0 + 7 * H);
    const records = await reports.fairnessReps(period, null);
    expect(records.find((r) => r.name === 'dan')).toMatchObject({ assignments: 1, history: { currentState: 'inactive', changes: [] } });
  });
});
