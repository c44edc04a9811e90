import { newId, type RepId, type TeamId } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoutingWriter, createTeamRepository, createTeamShareLedgerRepository, type RoutingWriter, type TeamShareLedgerRepository } from '../src/index.ts';

let database: TestDatabase;
let ledgers: TeamShareLedgerRepository;
let writer: RoutingWriter;
/** Ledgers are written by the routing writer, with the assignments that moved them. */
const save = (entries: Array<{ teamId: TeamId; credits: Map<RepId, number> }>) => writer.write({ ledgers: entries });
let emea: TeamId;
let apac: TeamId;
beforeAll(async () => {
  database = await createTestDatabase();
  ledgers = createTeamShareLedgerRepository(database.db);
  writer = createRoutingWriter(database.db);
  const teams = createTeamRepository(database.db);
  emea = (await teams.create({ name: 'EMEA', members: [], strategy: 'weighted_round_robin' })).id;
  apac = (await teams.create({ name: 'APAC', members: [], strategy: 'weighted_round_robin' })).id;
});
afterAll(async () => {
  await database?.drop();
});

const a = 'a0000000-0000-7000-8000-000000000001' as RepId;
const b = 'b0000000-0000-7000-8000-000000000002' as RepId;

describe('team share ledgers', () => {
  it('loads nothing before the first save', async () => {
    expect(await ledgers.loadAll()).toEqual(new Map());
  });

  it('saves several teams at once and replaces a team’s ledger on the next save', async () => {
    await save([
      { teamId: emea, credits: new Map([[a, 1.5], [b, -1.5]]) },
      { teamId: apac, credits: new Map([[a, 0]]) },
    ]);
    await save([{ teamId: emea, credits: new Map([[b, 2]]) }]);
    expect(await ledgers.loadAll()).toEqual(
      new Map([
        [emea, new Map([[b, 2]])],
        [apac, new Map([[a, 0]])],
      ]),
    );
  });

  it('skips teams that no longer exist and credits that are not numbers', async () => {
    await save([
      { teamId: newId<TeamId>(), credits: new Map([[a, 1]]) },
      { teamId: apac, credits: new Map([[a, Number.NaN], [b, 3]]) },
    ]);
    const loaded = await ledgers.loadAll();
    expect(loaded.size).toBe(2);
    expect(loaded.get(apac)).toEqual(new Map([[b, 3]]));
  });

  it('drops a team’s ledger with the team', async () => {
    await database.db.deleteFrom('teams').where('id', '=', apac).execute();
    expect([...(await ledgers.loadAll()).keys()]).toEqual([emea]);
  });
});
