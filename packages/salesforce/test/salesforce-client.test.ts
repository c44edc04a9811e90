import { generateKeyPairSync } from 'node:crypto';
import { silentLogger } from '@switchboard/core';
import {
  connectSalesforce,
  createApiLimits,
  LimitLevel,
  SalesforceApiError,
  salesforceConfigFromEnv,
} from '@switchboard/salesforce';
import { type FakeSalesforce, startFakeSalesforce } from '@switchboard/testing';
import { afterEach, describe, expect, it } from 'vitest';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

// jsforce itself against the fake Salesforce REST API, over HTTP.
describe('the Salesforce client (jsforce) against the fake org', () => {
  let sf: FakeSalesforce;
  afterEach(async () => {
    await sf?.close();
  });

  const start = async () => {
    sf = await startFakeSalesforce({ connectedApp: { clientId: 'consumer-key', clientSecret: 'consumer-secret', publicKeyPem: publicPem } });
    sf.org.create('User', { Username: 'integration@acme.com', Email: 'integration@acme.com', LastName: 'Integration' });
    sf.setPassword('integration@acme.com', 'pw-and-token');
  };

  it('signs in with the JWT bearer flow, and signs in again when the session expires', async () => {
    await start();
    const config = salesforceConfigFromEnv({
      SALESFORCE_INSTANCE_URL: sf.url,
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'consumer-key',
      SALESFORCE_USERNAME: 'integration@acme.com',
      SALESFORCE_PRIVATE_KEY: privatePem,
    });
    const client = await connectSalesforce(config, createApiLimits(), silentLogger);
    expect((await client.queryAll('SELECT Id, Email FROM User')).map((u) => u.Email)).toEqual(['integration@acme.com']);
    sf.expireSessions();
    expect(await client.queryAll('SELECT Id FROM User')).toHaveLength(1);
    expect(sf.requests.filter((r) => r.path === '/services/oauth2/token')).toHaveLength(2);
    expect(sf.requests.some((r) => r.status === 401)).toBe(true);
  });

  it('refuses a JWT signed with another key with Salesforce’s error', async () => {
    await start();
    const config = salesforceConfigFromEnv({
      SALESFORCE_INSTANCE_URL: sf.url,
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'consumer-key',
      SALESFORCE_USERNAME: 'integration@acme.com',
      SALESFORCE_PRIVATE_KEY: other,
    });
    const error = await connectSalesforce(config, createApiLimits(), silentLogger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect((error as Error).message).toMatch(/JWT bearer sign-in failed: .*invalid assertion/);
  });

  it('signs in with the username-password flow', async () => {
    await start();
    const config = salesforceConfigFromEnv({
      SALESFORCE_INSTANCE_URL: sf.url,
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'consumer-key',
      SALESFORCE_CLIENT_SECRET: 'consumer-secret',
      SALESFORCE_USERNAME: 'integration@acme.com',
      SALESFORCE_PASSWORD: 'pw-and-token',
    });
    const client = await connectSalesforce(config, createApiLimits(), silentLogger);
    expect(await client.queryAll('SELECT Id FROM User')).toHaveLength(1);
  });

  it('follows nextRecordsUrl page by page, reads Sforce-Limit-Info, and reports an expired access token as INVALID_SESSION_ID', async () => {
    await start();
    for (let i = 0; i < 450; i++) sf.org.create('Lead', { LastName: `L${i}`, Company: 'Acme', Email: `l${i}@acme.io` });
    sf.org.apiUsage = { used: 84_000, limit: 100_000 };
    const changes: string[] = [];
    const limits = createApiLimits({ onChange: (level) => changes.push(level) });
    const config = salesforceConfigFromEnv({ SALESFORCE_INSTANCE_URL: sf.url, SALESFORCE_ACCESS_TOKEN: sf.issueAccessToken() });
    const client = await connectSalesforce(config, limits, silentLogger);
    const pages: number[] = [];
    await client.queryPages('SELECT Id FROM Lead ORDER BY Id', async (records) => {
      pages.push(records.length);
    });
    expect(pages).toEqual([200, 200, 50]);
    expect(sf.requests.filter((r) => /\/query\/01g/.test(r.path))).toHaveLength(2);
    expect(limits.usage).toEqual({ used: 84_003, limit: 100_000 });
    expect(limits.level).toBe(LimitLevel.slow);
    expect(changes).toEqual(['slow']);

    sf.expireSessions();
    const error = await client.queryAll('SELECT Id FROM Lead').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ errorCode: 'INVALID_SESSION_ID', transient: false });
  });

  it('updates a collection with per-record results: one refused record leaves the others written', async () => {
    await start();
    const user = sf.org.create('User', { Username: 'rep@acme.com', Email: 'rep@acme.com', LastName: 'Rep' }).Id as string;
    const inactive = sf.org.create('User', { Username: 'gone@acme.com', Email: 'gone@acme.com', LastName: 'Gone' }).Id as string;
    sf.org.setUserActive(inactive, false);
    const leads = [0, 1, 2, 3].map((i) => sf.org.create('Lead', { LastName: `L${i}`, Company: 'Acme', Email: `l${i}@acme.io` }).Id as string);
    sf.org.failUpdatesOf(leads[1] as string);
    const config = salesforceConfigFromEnv({ SALESFORCE_INSTANCE_URL: sf.url, SALESFORCE_ACCESS_TOKEN: sf.issueAccessToken() });
    const client = await connectSalesforce(config, createApiLimits(), silentLogger);
    const results = await client.updateCollection('Lead', [
      { Id: leads[0] as string, OwnerId: user },
      { Id: leads[1] as string, OwnerId: user },
      { Id: leads[2] as string, OwnerId: '005000000000000AAA' },
      { Id: leads[3] as string, OwnerId: inactive },
    ]);
    expect(results).toEqual([
      { id: leads[0], success: true, errors: [] },
      { success: false, errors: [{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Leads from partners must keep their partner owner', fields: [] }] },
      { success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: ['OwnerId'] }] },
      { success: false, errors: [{ statusCode: 'INACTIVE_OWNER_OR_USER', message: `operation performed with inactive user [${inactive}] as owner of lead`, fields: [] }] },
    ]);
    expect(sf.org.get('Lead', leads[0] as string)?.OwnerId).toBe(user);
    expect(sf.org.get('Lead', leads[1] as string)?.OwnerId).not.toBe(user);
  });
});
