import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from './run-cli.ts';

let sb: TestSwitchboard;
let dir: string;
let sarah: string;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  dir = await mkdtemp(join(tmpdir(), 'switchboard-accounts-'));
  sarah = (await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@acme.com' })).body.id;
  await http(sb.url, 'POST', '/v1/reps', { name: 'Li Wei', email: 'li@acme.com' });
});
afterAll(async () => {
  await sb?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs one `switchboard ...` command against the test service. */
const cli = (...args: string[]): Promise<CliRun> => runCli(sb.url, ...args);

describe('switchboard accounts', () => {
  it('says how to start when there are no accounts', async () => {
    expect((await cli('accounts', 'list')).out).toContain('No accounts yet. Add one with: switchboard accounts add');
  });

  it('adds an account with domains and an owner given by email, and lists it', async () => {
    const added = await cli('accounts', 'add', 'Acme', '--domain', 'acme.com', '--domain', 'acme.de', '--owner', 'sarah@acme.com');
    expect(added.exitCode).toBe(0);
    expect(added.out).toMatch(/^Account created: Acme \(.+\), acme\.com, acme\.de, owned by sarah@acme\.com$/);
    const json = JSON.parse((await cli('accounts', 'add', 'Globex', '--json')).out);
    expect(json).toMatchObject({ name: 'Globex', domains: [], ownerId: null });

    const listed = await cli('accounts', 'list');
    expect(listed.out).toMatch(/^id\s+name\s+domains\s+owner$/m);
    expect(listed.out).toMatch(/Acme\s+acme\.com, acme\.de\s+Sarah Chen <sarah@acme\.com>/);
    expect(listed.out).toMatch(/Globex\s+-\s+-/);
    const mine = JSON.parse((await cli('accounts', 'list', '--owner', 'sarah@acme.com', '--json')).out);
    expect(mine.items.map((a: { name: string; ownerId: string }) => [a.name, a.ownerId])).toEqual([['Acme', sarah]]);
  });

  it('refuses an owner that is not a rep, and a duplicate name, exiting 1', async () => {
    const stranger = await cli('accounts', 'add', 'Initech', '--owner', 'nobody@acme.com');
    expect(stranger).toMatchObject({ exitCode: 1, err: 'error: no rep with email nobody@acme.com; list reps with: switchboard reps list' });
    const duplicate = await cli('accounts', 'add', 'ACME');
    expect(duplicate.exitCode).toBe(1);
    expect(duplicate.err).toContain('POST /v1/accounts answered 409: an account named "ACME" already exists');
  });

  it('imports a CSV file, and names each bad line of a file it refuses', async () => {
    const good = join(dir, 'accounts.csv');
    await writeFile(good, 'name,domains,owner\nAcme,acme.com;acme.io,li@acme.com\nUmbrella,umbrella.com,\n');
    expect((await cli('accounts', 'import', good)).out).toBe(`Imported ${good}: 1 created, 1 updated`);
    expect(JSON.parse((await cli('accounts', 'list', '--json')).out).items.find((a: { name: string }) => a.name === 'Acme').domains).toEqual([
      'acme.com',
      'acme.io',
    ]);

    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'name,domains,owner\nTyrell,tyrell.com,\nWayne,wayne.com,bruce@wayne.com\n,x.com,\n');
    const refused = await cli('accounts', 'import', bad);
    expect(refused.exitCode).toBe(1);
    expect(refused.err).toBe(
      [
        `error: nothing was imported; fix these in ${bad} and import again:`,
        '  line 3.owner: no rep with email bruce@wayne.com; add the rep first, or leave owner empty',
        '  line 4.name: must not be empty',
      ].join('\n'),
    );
    expect((await cli('accounts', 'list')).out).not.toContain('Tyrell');

    const missing = await cli('accounts', 'import', join(dir, 'missing.csv'));
    expect(missing.exitCode).toBe(1);
    expect(missing.err).toContain(`error: could not read ${join(dir, 'missing.csv')}: ENOENT`);
  });
});
