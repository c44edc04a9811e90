import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import type { ValidationIssue } from '@switchboard/core';
import { z } from 'zod';
import { SalesforceConfigError } from './errors.ts';
import { defaultFieldMap, type FieldMap, loadFieldMap } from './field-map.ts';

/** The API version used unless `SALESFORCE_API_VERSION` says otherwise (jsforce's own default is years old). */
export const DEFAULT_API_VERSION = '62.0';

/** How the connector signs in. */
export type SalesforceAuth =
  /** An access token (a session id) for `instanceUrl`, e.g. from `sf org display`. It is not refreshed. */
  | { readonly kind: 'access_token'; readonly accessToken: string }
  /** OAuth 2.0 JWT bearer flow: a connected app's consumer key, a pre-authorised user, the certificate's private key. */
  | { readonly kind: 'jwt'; readonly clientId: string; readonly username: string; readonly privateKey: string; readonly loginUrl: string }
  /** OAuth 2.0 username-password flow (needs a connected app's key and secret). */
  | {
      readonly kind: 'password';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly username: string;
      readonly password: string;
      readonly loginUrl: string;
    };

/** The connector's configuration. Printing, logging or JSON-encoding it shows no secret. */
export interface SalesforceConfig {
  readonly instanceUrl: string;
  /** @default '62.0' */
  readonly apiVersion: string;
  readonly auth: SalesforceAuth;
  /** Seconds between polls. @default 30 */
  readonly pollSeconds: number;
  /**
   * How far back each Lead poll reads again (`SALESFORCE_LOOKBACK_SECONDS`): a record is
   * stamped when it is saved, not when its transaction commits, so one that commits late (flows,
   * triggers) can appear behind the watermark. Re-reading is harmless: known leads change only
   * if they changed. @default 300
   */
  readonly lookbackSeconds: number;
  /**
   * How far behind the clock polling reads (`SALESFORCE_POLL_LAG_SECONDS`): Salesforce stamps
   * whole seconds, so a second is read only once it is over, plus this much for clock skew
   * and transactions still committing. @default 2
   */
  readonly pollLagSeconds: number;
  /** Seconds between account syncs. @default 600 */
  readonly accountSyncSeconds: number;
  /** A Lead's Status before anyone worked it; a change away from it is a touch. @default 'Open - Not Contacted' */
  readonly initialStatus: string;
  readonly fieldMap: FieldMap;
  /**
   * Where the first poll of Leads, Tasks and Events starts (`SALESFORCE_INGEST_SINCE`).
   * Unset: the connector's first start, so leads already in the org are not routed.
   */
  readonly ingestSince: Date | undefined;
  /** Share of the daily API limit above which polling slows down. @default 0.8 */
  readonly slowDownAt: number;
  /** Share of the daily API limit above which non-essential calls (account sync) are skipped. @default 0.95 */
  readonly essentialOnlyAt: number;
}

const REDACTED = '[redacted]';
const empty = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(empty, z.string().optional());
const url = (hint: string) => z.preprocess(empty, z.url({ error: `must be a URL such as ${hint}` }).optional());

const envSchema = z.object({
  SALESFORCE_INSTANCE_URL: url('https://acme.my.salesforce.com'),
  SALESFORCE_API_VERSION: z.preprocess(
    empty,
    z.string().regex(/^\d{2,3}\.0$/, { error: `must be an API version such as ${DEFAULT_API_VERSION}` }).default(DEFAULT_API_VERSION),
  ),
  SALESFORCE_POLL_SECONDS: z.preprocess(empty, z.coerce.number({ error: 'must be a number of seconds' }).positive({ error: 'must be more than 0' }).max(86_400).default(30)),
  SALESFORCE_POLL_LAG_SECONDS: z.preprocess(empty, z.coerce.number({ error: 'must be a number of seconds' }).min(0, { error: 'must be 0 or more' }).max(3600).default(2)),
  SALESFORCE_LOOKBACK_SECONDS: z.preprocess(empty, z.coerce.number({ error: 'must be a number of seconds' }).min(0, { error: 'must be 0 or more' }).max(86_400).default(300)),
  SALESFORCE_ACCOUNT_SYNC_SECONDS: z.preprocess(empty, z.coerce.number({ error: 'must be a number of seconds' }).positive({ error: 'must be more than 0' }).default(600)),
  SALESFORCE_INITIAL_STATUS: z.preprocess(empty, z.string().default('Open - Not Contacted')),
  SALESFORCE_ACCESS_TOKEN: optionalText,
  SALESFORCE_CLIENT_ID: optionalText,
  SALESFORCE_CLIENT_SECRET: optionalText,
  SALESFORCE_USERNAME: optionalText,
  SALESFORCE_PASSWORD: optionalText,
  SALESFORCE_PRIVATE_KEY: optionalText,
  SALESFORCE_PRIVATE_KEY_FILE: optionalText,
  SALESFORCE_LOGIN_URL: z.preprocess(empty, z.url({ error: 'must be a URL such as https://login.salesforce.com or https://test.salesforce.com' }).default('https://login.salesforce.com')),
  SALESFORCE_FIELD_MAP: optionalText,
  SALESFORCE_INGEST_SINCE: z.preprocess(empty, z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-12-01T00:00:00Z' }).optional()),
});

/** True when the environment asks for the connector (`SALESFORCE_INSTANCE_URL` is set). */
export function salesforceEnabled(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return Boolean(env.SALESFORCE_INSTANCE_URL);
}

/**
 * Reads the connector's configuration from environment variables. Throws a
 * `SalesforceConfigError` naming each bad or missing variable (never its value).
 */
export function salesforceConfigFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SalesforceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new SalesforceConfigError(parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message })));
  }
  const e = parsed.data;
  const issues: ValidationIssue[] = [];
  if (!e.SALESFORCE_INSTANCE_URL) {
    issues.push({ path: 'SALESFORCE_INSTANCE_URL', message: 'is required: the org’s URL, such as https://acme.my.salesforce.com' });
  }
  const auth = resolveAuth(e, issues);
  let fieldMap = defaultFieldMap;
  if (e.SALESFORCE_FIELD_MAP) {
    try {
      fieldMap = loadFieldMap(e.SALESFORCE_FIELD_MAP);
    } catch (error) {
      issues.push({ path: 'SALESFORCE_FIELD_MAP', message: (error as Error).message });
    }
  }
  if (issues.length > 0 || !auth) throw new SalesforceConfigError(issues);
  const config: SalesforceConfig = {
    instanceUrl: (e.SALESFORCE_INSTANCE_URL as string).replace(/\/+$/, ''),
    apiVersion: e.SALESFORCE_API_VERSION,
    auth,
    pollSeconds: e.SALESFORCE_POLL_SECONDS,
    pollLagSeconds: e.SALESFORCE_POLL_LAG_SECONDS,
    lookbackSeconds: e.SALESFORCE_LOOKBACK_SECONDS,
    accountSyncSeconds: e.SALESFORCE_ACCOUNT_SYNC_SECONDS,
    initialStatus: e.SALESFORCE_INITIAL_STATUS,
    fieldMap,
    ingestSince: e.SALESFORCE_INGEST_SINCE ? new Date(e.SALESFORCE_INGEST_SINCE) : undefined,
    slowDownAt: 0.8,
    essentialOnlyAt: 0.95,
  };
  return withRedaction(config);
}

/**
 * Gives a configuration a `toString`, `toJSON` and `util.inspect` form without secrets, and
 * freezes it. Loggers (pino), `JSON.stringify`, `console.log` and template strings all
 * show `[redacted]` in place of the token, password, client secret and private key.
 */
export function withRedaction(config: SalesforceConfig): SalesforceConfig {
  const safe = redactedView(config);
  const text = () => `SalesforceConfig ${JSON.stringify(safe)}`;
  const auth = { ...config.auth };
  Object.defineProperties(auth, {
    toJSON: { value: () => safe.auth, enumerable: false },
    toString: { value: () => `SalesforceAuth ${JSON.stringify(safe.auth)}`, enumerable: false },
    [inspect.custom]: { value: () => safe.auth, enumerable: false },
  });
  Object.freeze(auth);
  const frozen = { ...config, auth };
  Object.defineProperties(frozen, {
    toJSON: { value: () => safe, enumerable: false },
    toString: { value: text, enumerable: false },
    [inspect.custom]: { value: () => safe, enumerable: false },
  });
  return Object.freeze(frozen);
}

/** The configuration as it may be shown: every secret replaced by `[redacted]`. */
export function redactedView(config: SalesforceConfig): Record<string, unknown> & { auth: Record<string, unknown> } {
  const auth: Record<string, unknown> = { ...config.auth };
  for (const secret of ['accessToken', 'clientSecret', 'password', 'privateKey']) if (secret in auth) auth[secret] = REDACTED;
  return {
    instanceUrl: config.instanceUrl,
    apiVersion: config.apiVersion,
    auth,
    pollSeconds: config.pollSeconds,
    pollLagSeconds: config.pollLagSeconds,
    lookbackSeconds: config.lookbackSeconds,
    accountSyncSeconds: config.accountSyncSeconds,
    initialStatus: config.initialStatus,
    ingestSince: config.ingestSince?.toISOString() ?? null,
    fieldMap: { fields: config.fieldMap.fields, source: config.fieldMap.source, ...(config.fieldMap.team && { team: config.fieldMap.team }) },
  };
}

function resolveAuth(e: z.output<typeof envSchema>, issues: ValidationIssue[]): SalesforceAuth | undefined {
  if (e.SALESFORCE_ACCESS_TOKEN) return { kind: 'access_token', accessToken: e.SALESFORCE_ACCESS_TOKEN };
  const hasKey = Boolean(e.SALESFORCE_PRIVATE_KEY || e.SALESFORCE_PRIVATE_KEY_FILE);
  if (hasKey) {
    if (!e.SALESFORCE_CLIENT_ID) issues.push({ path: 'SALESFORCE_CLIENT_ID', message: 'is required for the JWT bearer flow: the connected app’s consumer key' });
    if (!e.SALESFORCE_USERNAME) issues.push({ path: 'SALESFORCE_USERNAME', message: 'is required for the JWT bearer flow: the Salesforce user to act as' });
    const privateKey = readPrivateKey(e, issues);
    if (!e.SALESFORCE_CLIENT_ID || !e.SALESFORCE_USERNAME || !privateKey) return undefined;
    return { kind: 'jwt', clientId: e.SALESFORCE_CLIENT_ID, username: e.SALESFORCE_USERNAME, privateKey, loginUrl: e.SALESFORCE_LOGIN_URL.replace(/\/+$/, '') };
  }
  if (e.SALESFORCE_PASSWORD) {
    const missing = (['SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET', 'SALESFORCE_USERNAME'] as const).filter((name) => !e[name]);
    for (const name of missing) issues.push({ path: name, message: 'is required for the username-password flow (with SALESFORCE_PASSWORD)' });
    if (missing.length > 0) return undefined;
    return {
      kind: 'password',
      clientId: e.SALESFORCE_CLIENT_ID as string,
      clientSecret: e.SALESFORCE_CLIENT_SECRET as string,
      username: e.SALESFORCE_USERNAME as string,
      password: e.SALESFORCE_PASSWORD,
      loginUrl: e.SALESFORCE_LOGIN_URL.replace(/\/+$/, ''),
    };
  }
  issues.push({
    path: 'SALESFORCE_ACCESS_TOKEN',
    message:
      'no credentials: set SALESFORCE_ACCESS_TOKEN; or, for the JWT bearer flow, SALESFORCE_CLIENT_ID, SALESFORCE_USERNAME and SALESFORCE_PRIVATE_KEY (or SALESFORCE_PRIVATE_KEY_FILE); or, for username-password, SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET, SALESFORCE_USERNAME and SALESFORCE_PASSWORD',
  });
  return undefined;
}

function readPrivateKey(e: z.output<typeof envSchema>, issues: ValidationIssue[]): string | undefined {
  let pem: string;
  let name: 'SALESFORCE_PRIVATE_KEY' | 'SALESFORCE_PRIVATE_KEY_FILE';
  if (e.SALESFORCE_PRIVATE_KEY) {
    name = 'SALESFORCE_PRIVATE_KEY';
    // A PEM in an environment variable often has its line breaks written as \n.
    pem = e.SALESFORCE_PRIVATE_KEY.replace(/\\n/g, '\n');
  } else {
    name = 'SALESFORCE_PRIVATE_KEY_FILE';
    try {
      pem = readFileSync(e.SALESFORCE_PRIVATE_KEY_FILE as string, 'utf8');
    } catch (error) {
      issues.push({ path: name, message: `can't read the key file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      return undefined;
    }
  }
  try {
    createPrivateKey(pem);
  } catch {
    // Never echo the value: it is a secret.
    issues.push({ path: name, message: 'is not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)' });
    return undefined;
  }
  return pem;
}
