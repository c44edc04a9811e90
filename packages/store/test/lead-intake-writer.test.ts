import { type LeadId, newId } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeadIntakeWriter, createLeadRepository } from '../src/index.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const record = (email: string, externalId?: string) => ({
  id: newId<LeadId>(),
  intake: { email, ...(externalId !== undefined && { externalId }) },
  receivedAt: new Date(),
  via: 'api' as const,
});

describe('lead intake writer', () => {
  it('stores a lead in state new with its lead.received event', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const r = record('ana@acme.io');
    const result = await writer.write(r);
    expect(result).toMatchObject({ duplicate: false, id: r.id, event: { type: 'lead.received', leadId: r.id } });
    const lead = await createLeadRepository(database.db).get(r.id);
    expect(lead?.state).toBe('new');
    expect(lead?.events.map((e) => [e.type, e.to, e.cause])).toEqual([['lead.received', 'new', 'intake:api']]);
  });

  it('answers a repeated external id with the first lead, across batches', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const first = await writer.write(record('bo@acme.io', 'sf-1'));
    const again = await writer.write(record('bo@acme.io', 'sf-1'));
    expect(again).toEqual({ duplicate: true, id: first.id });
  });

  it('answers duplicates inside one batch with the first lead, storing one row', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.write(record(`c${i}@acme.io`, 'sf-batch'))));
    const ids = new Set(results.map((r) => r.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const rows = await database.db.selectFrom('leads').select('id').where('external_id', '=', 'sf-batch').execute();
    expect(rows).toHaveLength(1);
  });

  it('commits hundreds of concurrent leads in few transactions and loses none', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const records = Array.from({ length: 500 }, (_, i) => record(`bulk${i}@acme.io`, `bulk-${i}`));
    const results = await Promise.all(records.map((r) => writer.write(r)));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    const { count } = await database.db
      .selectFrom('leads')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('external_id', 'like', 'bulk-%')
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(500);
  });

  it('fails one bad record alone, not its batch neighbours', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const good = record('good@acme.io');
    const bad = { ...record('bad@acme.io'), intake: { email: 'bad@acme.io', company: 'x\u0000y' } };
    const [goodResult, badResult] = await Promise.allSettled([writer.write(good), writer.write(bad)]);
    expect(goodResult.status).toBe('fulfilled');
    expect(badResult.status).toBe('rejected');
    expect(await createLeadRepository(database.db).get(good.id)).toBeDefined();
    expect(await createLeadRepository(database.db).get(bad.id)).toBeUndefined();
  });
});
