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

describe('lead intake writer: dedupe by email', () => {
  let version = 0;
  const applyDedupe = async (byEmail: boolean) => {
    version += 1;
    await database.db
      .insertInto('config_versions')
      .values({ version, document: JSON.stringify({ dedupe: { byEmail } }), source: '{}', format: 'json', author: 'test' })
      .execute();
  };
  const leadsWithEmail = (email: string) =>
    database.db.selectFrom('leads').select(['id', 'state']).where(({ fn }) => fn('lower', ['email']), '=', email.toLowerCase()).execute();

  it('keeps two leads with one email apart while no configuration turns dedupe on', async () => {
    const writer = createLeadIntakeWriter(database.db);
    await writer.write(record('twice@nodedupe.io'));
    const second = await writer.write(record('twice@nodedupe.io'));
    expect(second.duplicate).toBe(false);
    expect(await leadsWithEmail('twice@nodedupe.io')).toHaveLength(2);
  });

  it('merges a lead into the open lead with the same email (any case), recording the submission on it', async () => {
    await applyDedupe(true);
    const writer = createLeadIntakeWriter(database.db);
    const first = await writer.write(record('dana@merge.io'));
    const later = { ...record('Dana@Merge.io'), intake: { email: 'Dana@Merge.io', source: 'webinar', attributes: { score: 90 } } };
    const result = await writer.write(later);
    expect(result).toMatchObject({
      duplicate: true,
      merged: true,
      id: first.id,
      event: { type: 'lead.merged', leadId: first.id, data: { email: 'Dana@Merge.io', source: 'webinar', attributes: { score: 90 }, via: 'api' } },
    });
    expect(await leadsWithEmail('dana@merge.io')).toHaveLength(1);
    const lead = await createLeadRepository(database.db).get(first.id);
    expect(lead?.events.map((e) => e.type)).toEqual(['lead.received', 'lead.merged']);
    expect(lead?.events[1]?.data).toMatchObject({ source: 'webinar', attributes: { score: 90 } });
  });

  it('collapses one email submitted several times in one batch into the first lead', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const records = Array.from({ length: 5 }, () => record('burst@merge.io'));
    const results = await Promise.all(records.map((r) => writer.write(r)));
    expect(results[0]).toMatchObject({ duplicate: false, id: records[0]?.id });
    expect(results.slice(1).every((r) => r.duplicate && r.merged && r.id === records[0]?.id)).toBe(true);
    expect(await leadsWithEmail('burst@merge.io')).toHaveLength(1);
    const lead = await createLeadRepository(database.db).get(records[0]?.id as LeadId);
    expect(lead?.events.filter((e) => e.type === 'lead.merged')).toHaveLength(4);
  });

  it('never merges into a closed lead: the new lead stands on its own', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const first = await writer.write(record('back@merge.io'));
    await database.db.updateTable('leads').set({ state: 'closed' }).where('id', '=', first.id).execute();
    const again = await writer.write(record('back@merge.io'));
    expect(again.duplicate).toBe(false);
    expect(await leadsWithEmail('back@merge.io')).toHaveLength(2);
  });

  it('answers the same external id as a plain duplicate, not a merge', async () => {
    const writer = createLeadIntakeWriter(database.db);
    const first = await writer.write(record('ext@merge.io', 'sf-merge-1'));
    const again = await writer.write(record('ext@merge.io', 'sf-merge-1'));
    expect(again).toEqual({ duplicate: true, id: first.id });
    const lead = await createLeadRepository(database.db).get(first.id);
    expect(lead?.events.map((e) => e.type)).toEqual(['lead.received']);
  });

  it('stops merging once a newer configuration version turns dedupe off', async () => {
    await applyDedupe(false);
    const writer = createLeadIntakeWriter(database.db);
    await writer.write(record('off@merge.io'));
    const second = await writer.write(record('off@merge.io'));
    expect(second.duplicate).toBe(false);
    expect(await leadsWithEmail('off@merge.io')).toHaveLength(2);
  });
});
