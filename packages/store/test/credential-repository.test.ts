import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialRepository, createDatabase } from '../src/index.ts';

// Keys under concurrency: API processes starting at once make one first admin key between them,
// and of concurrent creations under one name exactly one gets it.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('credentials under concurrency', () => {
  it('makes exactly one first admin key when ten processes start at once, each with its own pool', async () => {
    const pools = Array.from({ length: 10 }, () => createDatabase({ url: database.url, poolSize: 1 }));
    try {
      const made = await Promise.all(pools.map((db) => createCredentialRepository(db).createFirst({ name: 'first admin key', role: 'admin', createdBy: 'first start' })));
      expect(made.filter(Boolean)).toHaveLength(1);
      expect(await database.db.selectFrom('api_keys').select('id').execute()).toHaveLength(1);
      // And a later start makes none.
      expect(await createCredentialRepository(database.db).createFirst({ name: 'again', role: 'admin', createdBy: 'first start' })).toBeUndefined();
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
  });

  it('gives a live name to one of several concurrent creations, in any interleaving, and verifies each key it made', async () => {
    const keys = createCredentialRepository(database.db);
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 5 }), async (s, n) => {
        const name = `key-${Math.random().toString(36).slice(2)}`;
        const attempts = Array.from({ length: n }, () => s.schedule(Promise.resolve()).then(() => keys.create({ name, role: 'viewer', createdBy: 'test' }).then((made) => made, (error: Error) => error)));
        await s.waitAll();
        const results = await Promise.all(attempts);
        const made = results.filter((r) => !(r instanceof Error)) as Array<{ key: string; record: { id: string } }>;
        expect(made).toHaveLength(1);
        expect(results.filter((r) => r instanceof Error).every((e) => (e as Error).message.includes(`a key named "${name}" exists`))).toBe(true);
        const check = await keys.verify(made[0]!.key, new Date());
        expect(check).toMatchObject({ ok: true, principal: { name, role: 'viewer' } });
        // Revoked, the name is free again.
        await keys.revoke(made[0]!.record.id, new Date());
        expect(await keys.verify(made[0]!.key, new Date())).toEqual({ ok: false, refusal: 'revoked' });
        await expect(keys.create({ name, role: 'viewer', createdBy: 'test' })).resolves.toBeDefined();
      }),
      { numRuns: 15, seed: 20_261_204 },
    );
  });

  it('refuses a tampered secret and a malformed key without telling which part was wrong', async () => {
    const keys = createCredentialRepository(database.db);
    const { key } = await keys.create({ name: 'tamper', role: 'viewer', createdBy: 'test' });
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await keys.verify(tampered, new Date())).toEqual({ ok: false, refusal: 'unknown' });
    expect(await keys.verify('sbk_short', new Date())).toEqual({ ok: false, refusal: 'malformed' });
  });
});
