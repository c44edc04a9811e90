import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_VERSION, SalesforceConfigError, salesforceConfigFromEnv, toLeadIntake } from '@switchboard/salesforce';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const instance = { SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com' };

function issuesOf(env: Record<string, string>): Array<{ path: string; message: string }> {
  try {
    salesforceConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SalesforceConfigError);
    return [...(error as SalesforceConfigError).issues];
  }
  throw new Error('expected a SalesforceConfigError');
}

describe('Salesforce configuration from the environment', () => {
  it('takes an access token with a current API version and a 30 s poll by default', () => {
    const config = salesforceConfigFromEnv({ ...instance, SALESFORCE_ACCESS_TOKEN: '00Dxx!secret-token' });
    expect(config.auth.kind).toBe('access_token');
    expect(config.apiVersion).toBe(DEFAULT_API_VERSION);
    expect(DEFAULT_API_VERSION).toBe('62.0');
    expect(config.pollSeconds).toBe(30);
    expect(config.instanceUrl).toBe('https://acme.my.salesforce.com');
  });

  it('takes the JWT bearer flow from a key in a variable (line breaks as \\n) or in a file', () => {
    const fromVariable = salesforceConfigFromEnv({
      ...instance,
      SALESFORCE_CLIENT_ID: '3MVG9-consumer-key',
      SALESFORCE_USERNAME: 'integration@acme.com',
      SALESFORCE_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    });
    expect(fromVariable.auth).toMatchObject({ kind: 'jwt', clientId: '3MVG9-consumer-key', loginUrl: 'https://login.salesforce.com' });
    const file = join(mkdtempSync(join(tmpdir(), 'sf-')), 'server.key');
    writeFileSync(file, pem);
    const fromFile = salesforceConfigFromEnv({
      ...instance,
      SALESFORCE_CLIENT_ID: 'key',
      SALESFORCE_USERNAME: 'u@acme.com',
      SALESFORCE_PRIVATE_KEY_FILE: file,
      SALESFORCE_LOGIN_URL: 'https://test.salesforce.com',
    });
    expect(fromFile.auth).toMatchObject({ kind: 'jwt', loginUrl: 'https://test.salesforce.com' });
  });

  it('names each missing or bad variable, and the fix', () => {
    expect(issuesOf(instance)).toEqual([
      { path: 'SALESFORCE_ACCESS_TOKEN', message: expect.stringContaining('no credentials: set SALESFORCE_ACCESS_TOKEN; or, for the JWT bearer flow') },
    ]);
    expect(issuesOf({ SALESFORCE_INSTANCE_URL: 'acme', SALESFORCE_ACCESS_TOKEN: 't' })).toEqual([
      { path: 'SALESFORCE_INSTANCE_URL', message: 'must be a URL such as https://acme.my.salesforce.com' },
    ]);
    expect(issuesOf({ ...instance, SALESFORCE_ACCESS_TOKEN: 't', SALESFORCE_API_VERSION: 'v62', SALESFORCE_POLL_SECONDS: '0' })).toEqual([
      { path: 'SALESFORCE_API_VERSION', message: 'must be an API version such as 62.0' },
      { path: 'SALESFORCE_POLL_SECONDS', message: 'must be more than 0' },
    ]);
    expect(issuesOf({ ...instance, SALESFORCE_PRIVATE_KEY: pem })).toEqual([
      { path: 'SALESFORCE_CLIENT_ID', message: 'is required for the JWT bearer flow: the connected app’s consumer key' },
      { path: 'SALESFORCE_USERNAME', message: 'is required for the JWT bearer flow: the Salesforce user to act as' },
    ]);
    expect(issuesOf({ ...instance, SALESFORCE_PASSWORD: 'pw', SALESFORCE_USERNAME: 'u@acme.com' })).toEqual([
      { path: 'SALESFORCE_CLIENT_ID', message: 'is required for the username-password flow (with SALESFORCE_PASSWORD)' },
      { path: 'SALESFORCE_CLIENT_SECRET', message: 'is required for the username-password flow (with SALESFORCE_PASSWORD)' },
    ]);
  });

  it('refuses a private key that is not one without repeating it', () => {
    const issues = issuesOf({ ...instance, SALESFORCE_CLIENT_ID: 'k', SALESFORCE_USERNAME: 'u@acme.com', SALESFORCE_PRIVATE_KEY: 'not-a-key-SECRET-MATERIAL' });
    expect(issues).toEqual([{ path: 'SALESFORCE_PRIVATE_KEY', message: expect.stringContaining('is not a PEM private key') }]);
    expect(JSON.stringify(issues)).not.toContain('SECRET-MATERIAL');
  });

  it('never shows a secret: not in JSON, String(), util.inspect or a pino log line', () => {
    const secrets = { token: '00Dxx!TOKEN-VALUE', password: 'PASSWORD-VALUE', clientSecret: 'CLIENT-SECRET-VALUE' };
    const configs = [
      salesforceConfigFromEnv({ ...instance, SALESFORCE_ACCESS_TOKEN: secrets.token }),
      salesforceConfigFromEnv({
        ...instance,
        SALESFORCE_CLIENT_ID: 'key',
        SALESFORCE_CLIENT_SECRET: secrets.clientSecret,
        SALESFORCE_USERNAME: 'u@acme.com',
        SALESFORCE_PASSWORD: secrets.password,
      }),
      salesforceConfigFromEnv({ ...instance, SALESFORCE_CLIENT_ID: 'key', SALESFORCE_USERNAME: 'u@acme.com', SALESFORCE_PRIVATE_KEY: pem }),
    ];
    let logged = '';
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) }));
    for (const config of configs) {
      logger.info({ config }, 'Salesforce connector started');
      logger.info({ auth: config.auth }, 'auth');
      const shown = [JSON.stringify(config), String(config), `${config.auth}`, inspect(config, { depth: 5 }), inspect(config.auth)].join('\n');
      for (const value of [...Object.values(secrets), 'PRIVATE KEY']) expect(shown).not.toContain(value);
      expect(shown).toContain('[redacted]');
    }
    for (const value of [...Object.values(secrets), 'PRIVATE KEY']) expect(logged).not.toContain(value);
    expect(logged).toContain('[redacted]');
    // The secrets are still there for the connector to use.
    expect(configs[0]?.auth).toMatchObject({ kind: 'access_token', accessToken: secrets.token });
  });

  it('reads a field mapping file with custom __c fields, and names what is wrong with a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-map-'));
    const good = join(dir, 'map.yaml');
    writeFileSync(good, 'fields:\n  Email: email\n  Company: company\n  Product_Interest__c: productInterest\n  Score__c: score\nteam: Inbound\n');
    const config = salesforceConfigFromEnv({ ...instance, SALESFORCE_ACCESS_TOKEN: 't', SALESFORCE_FIELD_MAP: good });
    const intake = toLeadIntake({ Id: '00Q8d0000000001EAA', Email: 'ana@acme.io', Company: 'Acme', Product_Interest__c: 'routing', Score__c: 87, Status: 'Open' }, config.fieldMap);
    expect(intake).toEqual({
      email: 'ana@acme.io',
      company: 'Acme',
      externalId: '00Q8d0000000001EAA',
      source: 'salesforce',
      team: 'Inbound',
      attributes: { productInterest: 'routing', score: 87, salesforceStatus: 'Open' },
    });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'fields:\n  "Bad Field": x\n');
    expect(issuesOf({ ...instance, SALESFORCE_ACCESS_TOKEN: 't', SALESFORCE_FIELD_MAP: bad })).toEqual([
      { path: 'SALESFORCE_FIELD_MAP', message: expect.stringMatching(/bad\.yaml: invalid field mapping: .*must be a Salesforce field API name.*map one Salesforce field to "email"/) },
    ]);
  });
});
