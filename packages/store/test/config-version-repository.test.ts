import { NotFoundError, type RoutingConfig, routingConfigSchema } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigVersionRepository, createConfigVersionRepository } from '../src/index.ts';

let database: TestDatabase;
let versions: ConfigVersionRepository;
beforeAll(async () => {
  database = await createTestDatabase();
  versions = createConfigVersionRepository(database.db);
});
afterAll(async () => {
  await database?.drop();
});

const config = (defaultQueue: string): RoutingConfig => routingConfigSchema.parse({ defaultQueue });

describe('configuration versions', () => {
  it('has no current version before the first', async () => {
    expect(await versions.current()).toBeUndefined();
    expect(await versions.list()).toEqual([]);
  });

  it('numbers versions from 1, keeps the document and the text as submitted, and lists them newest first without bodies', async () => {
    const source = '# first\ndefaultQueue: one\n';
    const first = await versions.append({ document: config('one'), source, format: 'yaml', author: 'ana@example.com' });
    expect(first).toMatchObject({ version: 1, source, format: 'yaml', author: 'ana@example.com', comment: null, rolledBackFrom: null });
    expect(first.document).toEqual(config('one'));
    const second = await versions.append({ document: config('two'), source: '{"defaultQueue":"two"}', format: 'json', author: 'bo', comment: 'queue two' });
    expect(second.version).toBe(2);
    expect(await versions.current()).toEqual(second);
    expect(await versions.get(1)).toEqual(first);
    expect(await versions.get(99)).toBeUndefined();

    const rollback = await versions.append({ document: first.document, source, format: 'yaml', author: 'ana@example.com', rolledBackFrom: 1 });
    expect(rollback).toMatchObject({ version: 3, rolledBackFrom: 1 });
    const listed = await versions.list({ limit: 2 });
    expect(listed.map((v) => v.version)).toEqual([3, 2]);
    expect(listed[1]).toEqual({ version: 2, format: 'json', author: 'bo', comment: 'queue two', rolledBackFrom: null, createdAt: second.createdAt });
    expect(listed[0]).not.toHaveProperty('document');
    expect(listed[0]).not.toHaveProperty('source');
  });

  it('refuses a rollback from a version that does not exist', async () => {
    const error = await versions.append({ document: config('x'), source: '', format: 'json', author: 'ana', rolledBackFrom: 42 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('rolledBackFrom: configuration version "42" does not exist');
  });

  it('gives concurrent appends consecutive numbers', async () => {
    const before = (await versions.current())?.version ?? 0;
    const appended = await Promise.all(
      Array.from({ length: 8 }, (_, i) => versions.append({ document: config(`q${i}`), source: `q${i}`, format: 'json', author: 'load' })),
    );
    expect(appended.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => before + i + 1));
  });

  it('appends inside a caller’s transaction, visible on commit and gone on rollback', async () => {
    const before = (await versions.current())?.version ?? 0;
    await database.db
      .transaction()
      .execute(async (trx) => {
        const v = await versions.append({ document: config('rolled'), source: 'r', format: 'json', author: 'ana' }, trx);
        expect(v.version).toBe(before + 1);
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect((await versions.current())?.version).toBe(before);
    await database.db.transaction().execute((trx) => versions.append({ document: config('kept'), source: 'k', format: 'json', author: 'ana' }, trx));
    expect((await versions.current())?.document.defaultQueue).toBe('kept');
  });
});
