import { eventually, http, startTestSwitchboard, type TestSwitchboard } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let sb: TestSwitchboard;
beforeAll(async () => {
  sb = await startTestSwitchboard({ bus: 'in-process' });
});
afterAll(async () => {
  await sb?.destroy();
});

describe('switchboard salesforce attention', () => {
  it('says when nothing needs attention, and lists a refused write-back with Salesforce’s error', async () => {
    expect((await runCli(sb.url, 'salesforce', 'attention')).out).toBe('Nothing needs attention: every owner write-back to Salesforce went through.');

    const { body: rep } = await http(sb.url, 'POST', '/v1/reps', { name: 'Sarah', email: 'sarah@acme.com' });
    await http(sb.url, 'POST', '/v1/teams', { name: 'Inbound', members: [rep.id] });
    const { body: lead } = await http(sb.url, 'POST', '/v1/leads', { email: 'ana@acme.io', externalId: '00Q8d0000000001EAA' });
    await eventually(async () => (await http(sb.url, 'GET', `/v1/leads/${lead.id}`)).body.state === 'assigned');
    // What the write-back records when Salesforce refuses a record.
    await sb.running.db
      .insertInto('salesforce_attention')
      .values({
        lead_id: lead.id,
        salesforce_id: '00Q8d0000000001EAA',
        rep_id: rep.id,
        salesforce_user_id: '0058d0000000001AAA',
        error_code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Leads from partners must keep their partner owner',
      })
      .execute();

    const listed = await runCli(sb.url, 'salesforce', 'attention');
    expect(listed.exitCode).toBe(0);
    expect(listed.out).toMatch(/^salesforce id\s+lead\s+error\s+fields\s+tries\s+last\s+message$/m);
    expect(listed.out).toMatch(/00Q8d0000000001EAA\s+\S+\s+FIELD_CUSTOM_VALIDATION_EXCEPTION\s+-\s+1\s+.+Leads from partners must keep their partner owner/);
    const json = JSON.parse((await runCli(sb.url, 'salesforce', 'attention', '--json')).out);
    expect(json.items[0]).toMatchObject({ leadId: lead.id, errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', attempts: 1, resolvedAt: null });

    // Resolved by a later write-back: gone from the list, shown with --all.
    await sb.running.db.updateTable('salesforce_attention').set({ resolved_at: new Date() }).where('lead_id', '=', lead.id).execute();
    expect((await runCli(sb.url, 'salesforce', 'attention')).out).toContain('Nothing needs attention');
    expect((await runCli(sb.url, 'salesforce', 'attention', '--all')).out).toContain('FIELD_CUSTOM_VALIDATION_EXCEPTION (resolved)');
  });

  it('sets a rep’s Salesforce User with reps set --salesforce-user, and names a bad id', async () => {
    const { body: rep } = await http(sb.url, 'POST', '/v1/reps', { name: 'Li', email: 'li@acme.com' });
    const set = await runCli(sb.url, 'reps', 'set', rep.id, '--salesforce-user', '0058d0000000002AAA', '--json');
    expect(set.exitCode).toBe(0);
    expect(JSON.parse(set.out).salesforceUserId).toBe('0058d0000000002AAA');
    const bad = await runCli(sb.url, 'reps', 'set', rep.id, '--salesforce-user', 'nope');
    expect(bad.exitCode).toBe(1);
    expect(bad.err).toContain('salesforceUserId: must be a Salesforce User Id');
  });
});
