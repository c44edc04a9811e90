import { ConflictError, createAccountSchema, type CreateAccount, newId, type RepId, ValidationError } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountRepository, createAccountRepository, createRepRepository } from '../src/index.ts';

let database: TestDatabase;
let accounts: AccountRepository;
let sarah: RepId;
let li: RepId;
beforeAll(async () => {
  database = await createTestDatabase();
  accounts = createAccountRepository(database.db);
  const reps = createRepRepository(database.db);
  const base = { timezone: 'UTC', weight: 1, cap: null, tags: [], caps: {}, workingHours: null, holidays: [], outOfOffice: [], managerId: null };
  sarah = (await reps.create({ ...base, name: 'Sarah Chen', email: 'sarah@example.com' })).id;
  li = (await reps.create({ ...base, name: 'Li Wei', email: 'li@example.com' })).id;
});
afterAll(async () => {
  await database?.drop();
});

const input = (value: unknown): CreateAccount => createAccountSchema.parse(value);

describe('account repository', () => {
  it('creates, reads, changes and deletes an account', async () => {
    const created = await accounts.create(input({ name: 'Acme, Inc.', domains: ['acme.com', 'ACME.de'], ownerId: sarah }));
    expect(created).toMatchObject({ name: 'Acme, Inc.', domains: ['acme.com', 'acme.de'], ownerId: sarah });
    expect(await accounts.get(created.id)).toEqual(created);
    const row = await database.db.selectFrom('accounts').select('normalized_name').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.normalized_name).toBe('acme');

    const changed = await accounts.update(created.id, { name: 'Acme Holding GmbH', ownerId: li });
    expect(changed).toMatchObject({ name: 'Acme Holding GmbH', domains: ['acme.com', 'acme.de'], ownerId: li });
    expect(changed?.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    const renamed = await database.db.selectFrom('accounts').select('normalized_name').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(renamed.normalized_name).toBe('acme holding');

    expect(await accounts.delete(created.id)).toBe(true);
    expect(await accounts.get(created.id)).toBeUndefined();
    expect(await accounts.delete(created.id)).toBe(false);
    expect(await accounts.update(created.id, { name: 'Gone' })).toBeUndefined();
  });

  it('lists accounts by name, optionally those of one owner', async () => {
    await accounts.create(input({ name: 'zeta', ownerId: sarah }));
    await accounts.create(input({ name: 'Alpha', ownerId: li }));
    await accounts.create(input({ name: 'beta', ownerId: sarah }));
    const names = (await accounts.list()).map((a) => a.name);
    expect(names.filter((n) => ['zeta', 'Alpha', 'beta'].includes(n))).toEqual(['Alpha', 'beta', 'zeta']);
    expect((await accounts.list({ ownerId: sarah })).map((a) => a.name)).toEqual(['beta', 'zeta']);
    expect((await accounts.all()).map((a) => a.name)).toEqual(names);
  });

  it('refuses a second account of the same name, whatever its case, with ConflictError', async () => {
    await accounts.create(input({ name: 'Globex' }));
    const again = accounts.create(input({ name: 'GLOBEX' }));
    await expect(again).rejects.toThrow(ConflictError);
    await expect(accounts.create(input({ name: 'globex' }))).rejects.toThrow('an account named "globex" already exists');
    const other = await accounts.create(input({ name: 'Globex Europe' }));
    await expect(accounts.update(other.id, { name: 'GloBex' })).rejects.toThrow(ConflictError);
  });

  it('refuses an owner that is not a rep with a ValidationError naming ownerId', async () => {
    const stranger = newId<RepId>();
    const error = await accounts.create(input({ name: 'Initech', ownerId: stranger })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: 'ownerId', message: `no rep with id "${stranger}"; use a rep id from GET /v1/reps, or null for no owner` }]);
    const initech = await accounts.create(input({ name: 'Initech' }));
    await expect(accounts.update(initech.id, { ownerId: stranger })).rejects.toThrow(`ownerId: no rep with id "${stranger}"`);
  });

  it('gives a domain to one account only', async () => {
    const hooli = await accounts.create(input({ name: 'Hooli', domains: ['hooli.com'] }));
    await expect(accounts.create(input({ name: 'Hooli XYZ', domains: ['hooli.xyz', 'hooli.com'] }))).rejects.toThrow(
      `domain "hooli.com" already belongs to account "Hooli" (${hooli.id})`,
    );
    expect((await accounts.list()).some((a) => a.name === 'Hooli XYZ')).toBe(false);
    const xyz = await accounts.create(input({ name: 'Hooli XYZ', domains: ['hooli.xyz', 'eu.hooli.com'] }));
    await expect(accounts.update(xyz.id, { domains: ['hooli.com'] })).rejects.toThrow(ConflictError);
    expect((await accounts.get(xyz.id))?.domains).toEqual(['hooli.xyz', 'eu.hooli.com']);
  });

  it('keeps one domain with one account when two writers race for it', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => accounts.create(input({ name: `Racer ${i}`, domains: ['race.example'] }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const holders = await database.db.selectFrom('accounts').select('name').where(sql<boolean>`${'race.example'} = any(domains)`).execute();
    expect(holders).toHaveLength(1);
  });
});

describe('account import', () => {
  it('creates new accounts and replaces existing ones by name, counting each', async () => {
    const existing = await accounts.create(input({ name: 'Umbrella Corp', domains: ['umbrella.com'], ownerId: sarah }));
    const result = await accounts.importMany([
      input({ name: 'umbrella corp', domains: ['umbrella.com', 'umbrella.eu'], ownerId: li }),
      input({ name: 'Soylent', domains: ['soylent.com'] }),
      input({ name: 'Tyrell', ownerId: sarah }),
    ]);
    expect(result).toEqual({ created: 2, updated: 1 });
    expect(await accounts.get(existing.id)).toMatchObject({ name: 'umbrella corp', domains: ['umbrella.com', 'umbrella.eu'], ownerId: li });
    const tyrell = (await accounts.list()).find((a) => a.name === 'Tyrell');
    expect(tyrell).toMatchObject({ domains: [], ownerId: sarah });
  });

  it('moves a domain between two accounts of the same file', async () => {
    await accounts.importMany([input({ name: 'Old Name', domains: ['moving.com'] })]);
    expect(await accounts.importMany([input({ name: 'Old Name', domains: [] }), input({ name: 'New Name', domains: ['moving.com'] })])).toEqual({
      created: 1,
      updated: 1,
    });
  });

  it('writes nothing when any row is bad, and names every bad row', async () => {
    const before = await accounts.all();
    const stranger = newId<RepId>();
    await accounts.create(input({ name: 'Wonka', domains: ['wonka.com'] }));
    const error = await accounts
      .importMany(
        [
          input({ name: 'Cyberdyne', domains: ['cyberdyne.com'] }),
          input({ name: 'Wayne', ownerId: stranger }),
          input({ name: 'Stark', domains: ['wonka.com'] }),
          input({ name: 'Oscorp', domains: ['cyberdyne.com'] }),
        ],
        { rowLabel: (i) => `line ${i + 2}` },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    // Owners are checked before anything is written.
    expect((error as ValidationError).issues).toEqual([{ path: 'line 3.ownerId', message: `no rep with id "${stranger}"; use a rep id from GET /v1/reps, or null for no owner` }]);

    const clash = await accounts
      .importMany(
        [input({ name: 'Cyberdyne', domains: ['cyberdyne.com'] }), input({ name: 'Stark', domains: ['wonka.com'] }), input({ name: 'Oscorp', domains: ['cyberdyne.com'] })],
        { rowLabel: (i) => `line ${i + 2}` },
      )
      .catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(ValidationError);
    expect((clash as ValidationError).issues).toEqual([
      {
        path: 'line 3.domains',
        message: '"wonka.com" already belongs to account "Wonka"; a domain can belong to one account only, so remove it there (or list that account in the file without it)',
      },
      { path: 'line 4.domains', message: '"cyberdyne.com" is also in line 2; a domain can belong to one account only' },
    ]);
    const names = (await accounts.all()).map((a) => a.name);
    expect(names).toEqual([...before.map((a) => a.name), 'Wonka'].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  it('refuses the same name twice in one import', async () => {
    await expect(accounts.importMany([input({ name: 'Dup' }), input({ name: 'DUP' })])).rejects.toThrow('rows[1].name: "DUP" is already in rows[0]; give each account once');
  });

  it('imports thousands of rows in one transaction', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => input({ name: `Bulk ${i}`, domains: [`bulk${i}.com`], ownerId: i % 2 ? sarah : null }));
    expect(await accounts.importMany(rows)).toEqual({ created: 2_500, updated: 0 });
    expect(await accounts.importMany(rows)).toEqual({ created: 0, updated: 2_500 });
    expect(await accounts.importMany([])).toEqual({ created: 0, updated: 0 });
  });
});
