import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  availableBuses,
  eventually,
  type FakeSalesforce,
  http,
  startFakeSalesforce,
  startTestSwitchboard,
  type TestSwitchboard,
} from '@switchboard/testing';

// The connector runs inside a real Switchboard (PostgreSQL, the bus, the router) and talks to a
// local fake of the Salesforce REST API through jsforce itself, over HTTP.
describe.each(availableBuses)('Salesforce connector (%s bus)', (bus) => {
  let sf: FakeSalesforce;
  let sb: TestSwitchboard;
  let env: Record<string, string>;
  const userByRep = new Map<string, string>();
  const refusedIndex = 7;
  const leadIds: string[] = [];

  const counts = async () => {
    const { rows } = await sql<{ leads: string; assignments: string }>`
      select (select count(*) from leads where source = 'salesforce') as leads,
             (select count(*) from assignments a join leads l on l.id = a.lead_id where l.source = 'salesforce') as assignments`.execute(sb.running.db);
    return { leads: Number(rows[0]?.leads), assignments: Number(rows[0]?.assignments) };
  };
  const leadBySalesforceId = async (salesforceId: string) =>
    sb.running.db.selectFrom('leads').select(['id', 'state', 'owner_id']).where('external_id', '=', salesforceId).executeTakeFirst();

  beforeAll(async () => {
    sf = await startFakeSalesforce({ queryPageSize: 200 });
    const emails = [0, 1, 2].map((i) => `sf-rep${i}-${Math.random().toString(36).slice(2, 8)}@example.com`);
    const users = emails.map((email, i) => sf.org.create('User', { Username: email, Email: email, LastName: `Rep ${i}` }).Id as string);
    env = {
      SALESFORCE_INSTANCE_URL: sf.url,
      SALESFORCE_ACCESS_TOKEN: sf.issueAccessToken(),
      SALESFORCE_POLL_SECONDS: '0.2',
      SALESFORCE_INGEST_SINCE: '2000-01-01T00:00:00Z',
    };
    sb = await startTestSwitchboard({ bus, env });
    const repIds: string[] = [];
    for (const [i, email] of emails.entries()) {
      const { status, body } = await http(sb.url, 'POST', '/v1/reps', { name: `SF Rep ${i}`, email });
      expect(status).toBe(201);
      repIds.push(body.id);
      userByRep.set(body.id, users[i] as string);
    }
    const team = await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: repIds, sla: { response: '30m' } });
    expect(team.status).toBe(201);
  });

  afterAll(async () => {
    await sb?.destroy();
    await sf?.close();
  });

  it('routes 500 leads created in Salesforce and writes each owner back to Lead.OwnerId; a refused record leaves the others written and is listed with Salesforce’s error', async () => {
    sf.org.addCustomField('Lead', 'Product_Interest__c');
    for (let i = 0; i < 500; i++) {
      const lead = sf.org.create('Lead', {
        FirstName: `Ana${i}`,
        LastName: `Lead${i}`,
        Email: `ana${i}@prospect${i}.io`,
        Company: `Prospect ${i}`,
        Country: 'DE',
        Product_Interest__c: 'routing',
      });
      leadIds.push(lead.Id as string);
    }
    const refused = leadIds[refusedIndex] as string;
    sf.org.failUpdatesOf(refused);

    await eventually(
      async () => {
        const written = sf.org.all('Lead').filter((l) => leadIds.includes(l.Id as string) && [...userByRep.values()].includes(l.OwnerId as string));
        return written.length === 499;
      },
      60_000,
      '499 owners written to Salesforce',
    );
    expect(await counts()).toEqual({ leads: 500, assignments: 500 });

    // Each written owner is the User of the rep Switchboard assigned.
    const rows = await sb.running.db.selectFrom('leads').select(['external_id', 'owner_id', 'attributes']).where('source', '=', 'salesforce').execute();
    for (const row of rows) {
      const record = sf.org.get('Lead', row.external_id as string);
      if (row.external_id === refused) {
        expect(userByRep.has(row.owner_id as string)).toBe(true);
        continue;
      }
      expect(record?.OwnerId).toBe(userByRep.get(row.owner_id as string));
    }
    // Custom fields arrive as attributes only when the field map names them; the default map keeps standard ones.
    expect(rows[0]?.attributes).toMatchObject({ country: 'DE', salesforceStatus: 'Open - Not Contacted' });

    // Paging went through nextRecordsUrl; the write-back used sObject Collections, up to 200 records a call.
    expect(sf.requests.some((r) => r.method === 'GET' && /\/query\/01g[^/]+-\d+$/.test(r.path))).toBe(true);
    expect(sf.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/composite/sobjects')).length).toBeGreaterThanOrEqual(3);

    const attention = await eventually(async () => {
      const { body } = await http(sb.url, 'GET', '/v1/salesforce/attention');
      return body.items.length === 1 ? body.items : undefined;
    });
    expect(attention[0]).toMatchObject({
      salesforceId: refused,
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Leads from partners must keep their partner owner',
      resolvedAt: null,
    });
    expect(sf.org.get('Lead', refused)?.OwnerId).not.toBe(userByRep.get(attention[0].repId));
  });

  it('a Task logged on a lead in Salesforce stops its SLA: the lead becomes touched', async () => {
    const salesforceId = leadIds[3] as string;
    expect((await leadBySalesforceId(salesforceId))?.state).toBe('assigned');
    sf.org.create('Task', { WhoId: salesforceId, Subject: 'Call', TaskSubtype: 'Call', Status: 'Completed' });
    await eventually(async () => (await leadBySalesforceId(salesforceId))?.state === 'touched', 15_000, 'the lead to be touched');
    const lead = await leadBySalesforceId(salesforceId);
    const { body } = await http(sb.url, 'GET', `/v1/leads/${lead?.id}`);
    expect(body.slaDeadlineAt).toBeNull();
    expect(body.events.map((e: { type: string }) => e.type)).toContain('lead.touched');
  });

  it('a Lead Status change away from the initial status is a touch', async () => {
    const salesforceId = leadIds[4] as string;
    expect((await leadBySalesforceId(salesforceId))?.state).toBe('assigned');
    sf.org.update('Lead', salesforceId, { Status: 'Working - Contacted' });
    await eventually(async () => (await leadBySalesforceId(salesforceId))?.state === 'touched', 15_000, 'the lead to be touched');
  });

  it('retries a write-back that met transient 503s and writes the owner', async () => {
    sf.failNext(2, { match: (method, path) => method === 'PATCH' && path.endsWith('/composite/sobjects') });
    const lead = sf.org.create('Lead', { LastName: 'Retry', Company: 'Flaky GmbH', Email: 'retry@flaky.io' });
    await eventually(async () => [...userByRep.values()].includes(sf.org.get('Lead', lead.Id as string)?.OwnerId as string), 20_000, 'the owner written');
    expect(sf.requests.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(2);
    leadIds.push(lead.Id as string);
  });

  it('a restart resumes from the watermark: nothing is routed twice, and a new lead is routed', async () => {
    const before = await counts();
    await sb.stop();
    const watermark = await sb.database.db.selectFrom('salesforce_sync_state').selectAll().where('object', '=', 'Lead').executeTakeFirstOrThrow();
    const logged = sf.requests.length;
    sb = await sb.restart({ env });
    const leadQueries = () =>
      sf.requests.slice(logged).filter((r) => r.path.endsWith('/query') && new URLSearchParams(r.query).get('q')?.includes('FROM Lead'));
    // A few rounds of polling after the restart.
    await eventually(async () => leadQueries().length >= 3, 15_000, 'polls after the restart');
    expect(await counts()).toEqual(before);
    // The first poll after the restart started at the stored watermark, less the look-back (5 min by default), not at the beginning.
    const first = new URLSearchParams(leadQueries()[0]?.query).get('q') as string;
    expect(first).toContain(`SystemModstamp >= ${new Date((watermark.watermark_at as Date).getTime() - 300_000).toISOString()}`);

    const lead = sf.org.create('Lead', { LastName: 'After', Company: 'Restart Inc', Email: 'after@restart.io' });
    await eventually(async () => [...userByRep.values()].includes(sf.org.get('Lead', lead.Id as string)?.OwnerId as string), 20_000, 'the new lead routed and written');
    expect(await counts()).toEqual({ leads: before.leads + 1, assignments: before.assignments + 1 });
  });

  it('routes a lead that committed late, stamped behind the watermark, on a later poll (the look-back)', async () => {
    const before = await counts();
    // Saved a minute ago, visible only now (a slow flow): its SystemModstamp is behind the watermark.
    const late = sf.org.create('Lead', { LastName: 'Late', Company: 'Slow Flow Inc', Email: 'late@slowflow.io' }, { stampedAt: new Date(Date.now() - 60_000) });
    const watermark = await sb.running.db.selectFrom('salesforce_sync_state').selectAll().where('object', '=', 'Lead').executeTakeFirstOrThrow();
    expect((watermark.watermark_at as Date).getTime()).toBeGreaterThan((late.SystemModstamp as Date).getTime());
    await eventually(async () => [...userByRep.values()].includes(sf.org.get('Lead', late.Id as string)?.OwnerId as string), 20_000, 'the late lead routed and written');
    // Re-reading the look-back window routed nothing twice.
    expect(await counts()).toEqual({ leads: before.leads + 1, assignments: before.assignments + 1 });
  });

  it('reads Accounts and their owners into Switchboard’s accounts', async () => {
    const [repId, userId] = [...userByRep.entries()][1] as [string, string];
    sf.org.create('Account', { Name: 'Globex GmbH', Website: 'https://www.globex.de/about', OwnerId: userId });
    // Read once its second is over (the poll lag): poll until it arrives.
    await eventually(async () => ((await sb.running.salesforce?.pollOnce({ accounts: true }))?.accounts?.written ?? 0) >= 1, 10_000, 'the account read');
    const { body } = await http(sb.url, 'GET', '/v1/accounts');
    expect(body.items).toContainEqual(expect.objectContaining({ name: 'Globex GmbH', domains: ['globex.de'], ownerId: repId }));
  });

  it('writes the User a rep names by salesforceUserId, and validates the id', async () => {
    const bad = await http(sb.url, 'PATCH', `/v1/reps/${[...userByRep.keys()][0]}`, { salesforceUserId: '00Q123' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'salesforceUserId', message: 'must be a Salesforce User Id: 15 or 18 letters and digits starting with 005, such as 005Dn000001AbCdIAK' },
    ]);
    const named = new Map<string, string>();
    for (const [i, repId] of [...userByRep.keys()].entries()) {
      // Users whose email is not the rep's: only the id links them.
      const userId = sf.org.create('User', { Username: `alias${i}@corp.example`, Email: `alias${i}@corp.example`, LastName: `Alias ${i}` }).Id as string;
      const { status, body } = await http(sb.url, 'PATCH', `/v1/reps/${repId}`, { salesforceUserId: userId });
      expect(status).toBe(200);
      expect(body.salesforceUserId).toBe(userId);
      named.set(repId, userId);
    }
    const lead = sf.org.create('Lead', { LastName: 'Named', Company: 'Alias Ltd', Email: 'named@alias.io' });
    await eventually(async () => [...named.values()].includes(sf.org.get('Lead', lead.Id as string)?.OwnerId as string), 20_000, 'the named User written');
    const row = await leadBySalesforceId(lead.Id as string);
    expect(sf.org.get('Lead', lead.Id as string)?.OwnerId).toBe(named.get(row?.owner_id as string));

    // A User deactivated in Salesforce: the write-back is refused, and the lead is listed with the error.
    for (const userId of named.values()) sf.org.setUserActive(userId, false);
    const orphan = sf.org.create('Lead', { LastName: 'Orphan', Company: 'Inactive Co', Email: 'orphan@inactive.io' });
    const listed = await eventually(async () => {
      const { body } = await http(sb.url, 'GET', '/v1/salesforce/attention');
      return body.items.find((a: { salesforceId: string }) => a.salesforceId === orphan.Id);
    }, 20_000, 'the refusal listed');
    expect(listed).toMatchObject({ errorCode: 'INACTIVE_OWNER_OR_USER', message: expect.stringContaining('operation performed with inactive user') });
    for (const userId of named.values()) sf.org.setUserActive(userId, true);
  });

  it('does not write back a lead that did not come from Salesforce, even with a Salesforce-like external id', async () => {
    const externalId = '00Q8d0000099999AAA';
    const { status, body } = await http(sb.url, 'POST', '/v1/leads', { email: 'web@form.io', externalId });
    expect(status).toBe(202);
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${body.id}`)).body.state === 'assigned');
    // Give the write-back its batching time; nothing may be attempted for it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { body: attention } = await http(sb.url, 'GET', '/v1/salesforce/attention');
    expect(attention.items.map((a: { salesforceId: string }) => a.salesforceId)).not.toContain(externalId);
    expect(sf.org.get('Lead', externalId)).toBeUndefined();
  });

  it('slows polling above 80% of the daily API limit and skips the account sync above 95%, saying so', async () => {
    const connector = sb.running.salesforce;
    expect(connector).toBeDefined();
    sf.org.apiUsage = { used: 85_000, limit: 100_000 };
    await connector?.pollOnce({ accounts: false });
    expect(connector?.limits.level).toBe('slow');
    expect(connector?.limits.pollFactor).toBeGreaterThan(1);

    sf.org.apiUsage = { used: 96_000, limit: 100_000 };
    await connector?.pollOnce({ accounts: false });
    expect(connector?.limits.level).toBe('essential_only');
    const report = await connector?.pollOnce({ accounts: true });
    expect(report?.skipped).toEqual(['account sync']);
    expect(report?.accounts).toBeUndefined();

    sf.org.apiUsage = { used: 10, limit: 100_000 };
    await connector?.pollOnce({ accounts: false });
    expect(connector?.limits.level).toBe('normal');
  });
});
