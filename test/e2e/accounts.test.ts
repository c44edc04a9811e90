import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, type JsonResponse, startTestSwitchboard, type TestSwitchboard } from '../support/index.ts';

let sb: TestSwitchboard;
let sarah: string;
let li: string;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
  sarah = (await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah Chen', email: 'sarah@example.com' })).body.id;
  li = (await http(sb.url, 'POST', '/v1/reps', { name: 'Li Wei', email: 'li@example.com' })).body.id;
});
afterAll(async () => {
  await sb?.destroy();
});

/** Posts a CSV file to the import endpoint. */
async function importCsv(text: string, contentType = 'text/csv'): Promise<JsonResponse> {
  const response = await fetch(`${sb.url}/v1/accounts/import`, { method: 'POST', headers: { ...bearer(), 'content-type': contentType }, body: text });
  return { status: response.status, body: await response.json() };
}

const names = async () => ((await http(sb.url, 'GET', '/v1/accounts')).body.items as Array<{ name: string }>).map((a) => a.name);

describe('accounts over HTTP', () => {
  it('creates, lists, reads, changes and deletes an account', async () => {
    const created = await http(sb.url, 'POST', '/v1/accounts', { name: 'Acme, Inc.', domains: ['ACME.com', 'www.acme.de'], ownerId: sarah });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Acme, Inc.', domains: ['acme.com', 'acme.de'], ownerId: sarah });
    expect(created.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const id = created.body.id as string;

    expect(await http(sb.url, 'GET', `/v1/accounts/${id}`)).toMatchObject({ status: 200, body: { id, name: 'Acme, Inc.' } });
    expect((await http(sb.url, 'GET', '/v1/accounts')).body.items.map((a: { id: string }) => a.id)).toContain(id);
    expect((await http(sb.url, 'GET', `/v1/accounts?owner=${sarah}`)).body.items.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await http(sb.url, 'GET', `/v1/accounts?owner=${li}`)).body.items).toEqual([]);

    const changed = await http(sb.url, 'PATCH', `/v1/accounts/${id}`, { ownerId: li, domains: ['acme.com'] });
    expect(changed).toMatchObject({ status: 200, body: { id, ownerId: li, domains: ['acme.com'] } });

    const deleted = await fetch(`${sb.url}/v1/accounts/${id}`, { method: 'DELETE', headers: bearer() });
    expect(deleted.status).toBe(204);
    expect(await http(sb.url, 'GET', `/v1/accounts/${id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await http(sb.url, 'PATCH', `/v1/accounts/${id}`, { name: 'Gone' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await fetch(`${sb.url}/v1/accounts/${id}`, { method: 'DELETE', headers: bearer() })).status).toBe(404);
  });

  it('answers 409 for a second account of the same name, whatever its case', async () => {
    expect((await http(sb.url, 'POST', '/v1/accounts', { name: 'Globex' })).status).toBe(201);
    const again = await http(sb.url, 'POST', '/v1/accounts', { name: 'GLOBEX' });
    expect(again).toMatchObject({ status: 409, body: { error: 'conflict' } });
    expect(again.body.message).toContain('an account named "GLOBEX" already exists');
  });

  it('answers 409 for a domain another account has', async () => {
    await http(sb.url, 'POST', '/v1/accounts', { name: 'Hooli', domains: ['hooli.com'] });
    const taken = await http(sb.url, 'POST', '/v1/accounts', { name: 'Hooli XYZ', domains: ['hooli.com'] });
    expect(taken).toMatchObject({ status: 409, body: { error: 'conflict' } });
    expect(taken.body.message).toContain('domain "hooli.com" already belongs to account "Hooli"');
  });

  it('answers 400 naming ownerId for an owner that is not a rep, and stores nothing', async () => {
    const stranger = '0190f0f0-0000-7000-8000-000000000000';
    const answer = await http(sb.url, 'POST', '/v1/accounts', { name: 'Initech', ownerId: stranger });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'validation_failed', errors: [{ path: 'ownerId', message: expect.stringContaining(`no rep with id "${stranger}"`) }] });
    const unknownEmail = await http(sb.url, 'POST', '/v1/accounts', { name: 'Initech', ownerId: 'nobody@example.com' });
    expect(unknownEmail.status).toBe(400);
    expect(unknownEmail.body.errors).toEqual([{ path: 'ownerId', message: 'no rep with id or email "nobody@example.com"; list reps with GET /v1/reps' }]);
    const notAnId = await http(sb.url, 'POST', '/v1/accounts', { name: 'Initech', ownerId: 'Sarah' });
    expect(notAnId.status).toBe(400);
    expect(notAnId.body.errors).toEqual([{ path: 'ownerId', message: "must be the owner's id (a UUID) or email" }]);
    expect(await names()).not.toContain('Initech');
  });

  it('answers 400 naming the field for bad domains and unknown fields', async () => {
    const answer = await http(sb.url, 'POST', '/v1/accounts', { name: 'Pied Piper', domains: ['piedpiper.com', 'gmail.com', 'https://pp.io'], owner: 'x' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['', 'domains.1', 'domains.2']);
    expect(answer.body.message).toContain('is a free-mail domain');
    expect(answer.body.message).toContain('unknown field "owner"');
    expect(await http(sb.url, 'PATCH', '/v1/accounts/0190f0f0-0000-7000-8000-000000000000', {})).toMatchObject({ status: 400 });
  });
});

describe('importing accounts from CSV', () => {
  it('creates and updates accounts, resolving owners by email or id', async () => {
    await http(sb.url, 'POST', '/v1/accounts', { name: 'Umbrella', domains: ['umbrella.com'] });
    const csv = [
      'name,domains,owner',
      'umbrella,umbrella.com;umbrella.eu,SARAH@example.com',
      `"Soylent, Inc.",soylent.com soylent.de,${li}`,
      'Tyrell,,',
      '',
    ].join('\n');
    const answer = await importCsv(csv, 'text/csv; charset=utf-8');
    expect(answer).toEqual({ status: 200, body: { created: 2, updated: 1 } });
    const items = (await http(sb.url, 'GET', '/v1/accounts')).body.items as Array<{ name: string; domains: string[]; ownerId: string | null }>;
    expect(items.find((a) => a.name === 'umbrella')).toMatchObject({ domains: ['umbrella.com', 'umbrella.eu'], ownerId: sarah });
    expect(items.find((a) => a.name === 'Soylent, Inc.')).toMatchObject({ domains: ['soylent.com', 'soylent.de'], ownerId: li });
    expect(items.find((a) => a.name === 'Tyrell')).toMatchObject({ domains: [], ownerId: null });
  });

  it('imports nothing when one row is bad, naming its line', async () => {
    const before = await names();
    const csv = ['Name,Owner,Domains', 'Wayne Enterprises,li@example.com,wayne.com', 'Stark Industries,tony@stark.com,stark.com', 'Oscorp,,oscorp.com'].join('\r\n');
    const answer = await importCsv(csv);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'validation_failed',
      errors: [{ path: 'line 3.owner', message: 'no rep with email tony@stark.com; add the rep first, or leave owner empty' }],
    });
    expect(await names()).toEqual(before);
  });

  it('names every bad line at once: values, duplicates and domains of other accounts', async () => {
    await http(sb.url, 'POST', '/v1/accounts', { name: 'Wonka', domains: ['wonka.com'] });
    const before = await names();
    const schema = await importCsv('name,domains\nCyberdyne,cyberdyne.com\n,x.com\nMassive Dynamic,gmail.com\n');
    expect(schema.status).toBe(400);
    expect(schema.body.errors.map((e: { path: string }) => e.path)).toEqual(['line 3.name', 'line 4.domains[0]']);
    const clash = await importCsv('name,domains\nCyberdyne,cyberdyne.com\nStark,wonka.com\nOscorp,cyberdyne.com\n');
    expect(clash.status).toBe(400);
    expect(clash.body.errors).toEqual([
      { path: 'line 3.domains', message: expect.stringContaining('"wonka.com" already belongs to account "Wonka"') },
      { path: 'line 4.domains', message: '"cyberdyne.com" is also in line 2; a domain can belong to one account only' },
    ]);
    expect(await names()).toEqual(before);
  });

  it('refuses a file it can’t read, saying what is wrong', async () => {
    expect((await importCsv('')).body.message).toContain('the file is empty; expected a header row such as "name,domains,owner"');
    expect((await importCsv('company,domains\nAcme,acme.com\n')).body.errors).toEqual([
      { path: 'line 1', message: 'unknown column "company"; the columns are name, domains, owner (only name is required)' },
    ]);
    expect((await importCsv('name,domains\n"Acme,acme.com\n')).body.message).toContain('not valid CSV: Quote Not Closed');
    expect((await importCsv('name,domains\nAcme,acme.com,extra\n')).body.errors).toEqual([
      { path: 'line 2', message: 'has 3 cells but the header has 2 columns; quote a cell that contains a comma' },
    ]);
    const json = await http(sb.url, 'POST', '/v1/accounts/import', { name: 'Acme' });
    expect(json.status).toBe(400);
    expect(json.body.message).toContain('send the CSV file as the body, with content-type: text/csv');
  });

  it('keeps the text/csv parser to the account routes', async () => {
    const response = await fetch(`${sb.url}/v1/reps`, { method: 'POST', headers: { ...bearer(), 'content-type': 'text/csv' }, body: 'name,email\nA,a@b.c\n' });
    expect(response.status).toBe(415);
  });
});
