import { durationSchema, ValidationError, toValidationIssues } from '@switchboard/core';
import { type SalesforceConfig, salesforceConfigFromEnv, salesforceEnabled } from '@switchboard/salesforce';
import { type SingleSignOnConfig, ssoRoleRulesSchema } from '@switchboard/api';
import { z } from 'zod';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL, or unset for the embedded PostgreSQL' }).optional(),
  ),
  NATS_URL: z.preprocess(emptyAsUndefined, z.string().optional()),
  SWITCHBOARD_NAMESPACE: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'use 1-32 letters, digits, "_" or "-"' }).default('sb'),
  ),
  SWITCHBOARD_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.switchboard')),
  SWITCHBOARD_EMBEDDED_PG_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(54329)),
  SWITCHBOARD_ALLOWED_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
      .pipe(z.array(z.url({ error: 'list origins such as https://admin.example.com, separated by commas' })))
      .default([]),
  ),
  SWITCHBOARD_DATABASE_TIMEOUT_SECONDS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: 'use a number of seconds, or 0 for no limit' }).min(0).max(3600).default(30),
  ),
  SWITCHBOARD_ROLE: z.preprocess(
    emptyAsUndefined,
    z.enum(['all', 'api', 'router'], { error: 'use all (API and router in one process), api or router' }).default('all'),
  ),
  SWITCHBOARD_ADMIN_KEY: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { error: 'use a random string of at least 32 characters (e.g. `openssl rand -hex 32`), or unset it' }).optional(),
  ),
  SWITCHBOARD_TRUST_PROXY: z.preprocess(
    emptyAsUndefined,
    z.enum(['true', 'false'], { error: 'use true (behind an ingress that sets X-Forwarded-For and -Proto) or false' }).default('false').transform((v) => v === 'true'),
  ),
  SWITCHBOARD_RATE_LIMIT_PER_KEY: z.preprocess(emptyAsUndefined, z.coerce.number({ error: 'use requests a minute, or 0 for no limit' }).int().min(0).default(60_000)),
  SWITCHBOARD_RATE_LIMIT_PER_IP: z.preprocess(emptyAsUndefined, z.coerce.number({ error: 'use requests a minute, or 0 for no limit' }).int().min(0).default(1_200)),
  SWITCHBOARD_RETENTION_CHECK_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number({ error: 'use a number of seconds' }).int().min(1).max(86_400).default(3_600)),
  SWITCHBOARD_OIDC_ISSUER: z.preprocess(emptyAsUndefined, z.url({ error: 'must be the identity provider’s issuer URL, e.g. https://accounts.google.com' }).optional()),
  SWITCHBOARD_OIDC_CLIENT_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  SWITCHBOARD_OIDC_CLIENT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  SWITCHBOARD_OIDC_REDIRECT_URL: z.preprocess(
    emptyAsUndefined,
    z.url().refine((url) => new URL(url).pathname === '/v1/session/oidc/callback', { error: 'must end in /v1/session/oidc/callback, e.g. https://switchboard.example.com/v1/session/oidc/callback' }).optional(),
  ),
  SWITCHBOARD_OIDC_ROLES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. [{"group":"revops","role":"admin"},{"domain":"example.com","role":"viewer"}]' });
          return z.NEVER;
        }
      })
      .pipe(ssoRoleRulesSchema)
      .optional(),
  ),
  SWITCHBOARD_OIDC_SCOPES: z.preprocess(emptyAsUndefined, z.string().default('openid email profile')),
  SWITCHBOARD_OIDC_GROUPS_CLAIM: z.preprocess(emptyAsUndefined, z.string().default('groups')),
  SWITCHBOARD_OIDC_NAME: z.preprocess(emptyAsUndefined, z.string().max(40).default('single sign-on')),
  SWITCHBOARD_PUBLIC_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^https?$/, error: 'must be the console’s address as people open it, e.g. https://switchboard.example.com' }).optional(),
  ),
  SWITCHBOARD_SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@smtp.example.com:587' }).optional(),
  ),
  SWITCHBOARD_EMAIL_FROM: z.preprocess(emptyAsUndefined, z.string().min(3).max(320).optional()),
  SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES: z.preprocess(
    emptyAsUndefined,
    z.enum(['allow', 'refuse'], { error: 'must be "allow" (read calendars on this network too) or "refuse" (the default)' }).default('refuse'),
  ),
  SWITCHBOARD_CALENDAR_POLL_INTERVAL: z.preprocess(
    emptyAsUndefined,
    durationSchema
      .refine((ms) => ms >= 1000 && ms <= 86_400_000, { error: 'must be between 1s and 24h, such as 5m' })
      .default(5 * 60_000),
  ),
  SWITCHBOARD_CALCOM_WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, { error: 'use a random string of at least 16 characters (e.g. `openssl rand -hex 32`), and give the Cal.com webhook the same secret' }).max(1000).optional(),
  ),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
}).superRefine((e, ctx) => {
  // Single sign-on takes all its settings, or none.
  const oidc = { SWITCHBOARD_OIDC_ISSUER: e.SWITCHBOARD_OIDC_ISSUER, SWITCHBOARD_OIDC_CLIENT_ID: e.SWITCHBOARD_OIDC_CLIENT_ID, SWITCHBOARD_OIDC_CLIENT_SECRET: e.SWITCHBOARD_OIDC_CLIENT_SECRET, SWITCHBOARD_OIDC_REDIRECT_URL: e.SWITCHBOARD_OIDC_REDIRECT_URL, SWITCHBOARD_OIDC_ROLES: e.SWITCHBOARD_OIDC_ROLES };
  const set = Object.entries(oidc).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (set.length > 0 && set.length < 5) {
    for (const [name] of Object.entries(oidc).filter(([, v]) => v === undefined)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `single sign-on needs it too (${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set)` });
    }
  }
  if (e.SWITCHBOARD_SMTP_URL && !e.SWITCHBOARD_EMAIL_FROM) {
    ctx.addIssue({ code: 'custom', path: ['SWITCHBOARD_EMAIL_FROM'], message: 'email needs a sender too, e.g. "Switchboard <switchboard@example.com>"' });
  }
  // Processes of other roles share the database and reach each other only through NATS.
  if (e.SWITCHBOARD_ROLE === 'all') return;
  const missing = [!e.DATABASE_URL && 'DATABASE_URL', !e.NATS_URL && 'NATS_URL'].filter(Boolean);
  if (missing.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['SWITCHBOARD_ROLE'],
      message: `${e.SWITCHBOARD_ROLE} needs ${missing.join(' and ')}: API and router processes share one PostgreSQL and reach each other through NATS; use SWITCHBOARD_ROLE=all to run everything embedded in one process`,
    });
  }
});

/** What a Switchboard process runs (`SWITCHBOARD_ROLE`). */
export type SwitchboardRole = 'all' | 'api' | 'router';

/** Everything `switchboard start` reads from its environment. */
export interface SwitchboardConfig {
  /** HTTP port. @default 8080 */
  readonly port: number;
  /**
   * The HTTP bind address. Only this machine by default: reaching it from elsewhere is a choice
   * made with `HOST`, behind TLS at an ingress (see docs/operations.md). @default '127.0.0.1'
   */
  readonly host: string;
  /** An admin key accepted besides the stored ones (`SWITCHBOARD_ADMIN_KEY`, 32+ characters); it shows as `[redacted]` when logged. */
  readonly adminKey: string | undefined;
  /** The console's single sign-on, when `SWITCHBOARD_OIDC_ISSUER` and the rest are set; its secret is not enumerable. */
  readonly singleSignOn: SingleSignOnConfig | undefined;
  /** How often the retention policy runs (`SWITCHBOARD_RETENTION_CHECK_SECONDS`). @default 3600 */
  readonly retentionCheckSeconds: number;
  /** Requests a minute per API key and per client IP (0: no limit). @default 60000 and 1200 */
  readonly rateLimits: { readonly perKey: number; readonly perIp: number };
  /** Whether to believe X-Forwarded-For and X-Forwarded-Proto (an ingress in front): client IPs for rate limits, TLS for cookies. @default false */
  readonly trustProxy: boolean;
  /** PostgreSQL to use; unset means the embedded one under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** NATS (with JetStream) to use; unset means the in-process bus. */
  readonly natsUrl: string | undefined;
  /** Prefixes every subject, stream and consumer name. @default 'sb' */
  readonly namespace: string;
  /** @default '.switchboard' */
  readonly dataDir: string;
  /** @default 54329 */
  readonly embeddedPostgresPort: number;
  readonly logLevel: string;
  /** Origins besides the API's own that may send writes from a browser. @default none */
  readonly allowedOrigins: ReadonlyArray<string>;
  /**
   * How long a query waits for PostgreSQL's answer before the request answers 503 (and a routing
   * step is retried); 0 for no limit. @default 30
   */
  readonly databaseTimeoutSeconds: number;
  /**
   * What this process runs: `all` (the API and a router), `api` (the HTTP API only; it reaches
   * routers through NATS) or `router` (one of the routers that share the routing by partition,
   * with `/livez`, `/healthz`, `/readyz`, `/activez` and `/metrics` on `port`). @default 'all'
   */
  readonly role: SwitchboardRole;
  /** The Salesforce connector's configuration when `SALESFORCE_INSTANCE_URL` is set; it shows no secret when logged. */
  readonly salesforce: SalesforceConfig | undefined;
  /** The console's address as people open it (`SWITCHBOARD_PUBLIC_URL`): Slack messages and emails link to `<it>/leads/<id>`. */
  readonly publicUrl: string | undefined;
  /** How often each rep's calendar is read again (`SWITCHBOARD_CALENDAR_POLL_INTERVAL`, a duration). @default 5 minutes */
  readonly calendarPollMs: number;
  /** Whether calendars on private and local addresses are read (`SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES=allow`). @default false */
  readonly calendarPrivateAddresses: boolean;
  /** Email notifications' SMTP server and sender (`SWITCHBOARD_SMTP_URL`, `SWITCHBOARD_EMAIL_FROM`); not enumerable, as the URL may hold a password. */
  readonly email: { readonly smtpUrl: string; readonly from: string } | undefined;
  /** The secret Cal.com signs its webhooks with (`SWITCHBOARD_CALCOM_WEBHOOK_SECRET`); not enumerable. */
  readonly calcomWebhookSecret: string | undefined;
}

/** Reads the configuration from environment variables; throws a `ValidationError` naming each bad variable. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SwitchboardConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ValidationError(toValidationIssues(parsed.error));
  const e = parsed.data;
  const config = {
    port: e.PORT,
    host: e.HOST,
    trustProxy: e.SWITCHBOARD_TRUST_PROXY,
    retentionCheckSeconds: e.SWITCHBOARD_RETENTION_CHECK_SECONDS,
    singleSignOn: e.SWITCHBOARD_OIDC_ISSUER ? singleSignOnOf(e) : undefined,
    rateLimits: { perKey: e.SWITCHBOARD_RATE_LIMIT_PER_KEY, perIp: e.SWITCHBOARD_RATE_LIMIT_PER_IP },
    databaseUrl: e.DATABASE_URL,
    natsUrl: e.NATS_URL,
    namespace: e.SWITCHBOARD_NAMESPACE,
    dataDir: e.SWITCHBOARD_DATA_DIR,
    embeddedPostgresPort: e.SWITCHBOARD_EMBEDDED_PG_PORT,
    logLevel: e.LOG_LEVEL,
    allowedOrigins: e.SWITCHBOARD_ALLOWED_ORIGINS,
    role: e.SWITCHBOARD_ROLE,
    databaseTimeoutSeconds: e.SWITCHBOARD_DATABASE_TIMEOUT_SECONDS,
    salesforce: salesforceEnabled(env) ? salesforceConfigFromEnv(env) : undefined,
    publicUrl: e.SWITCHBOARD_PUBLIC_URL,
    calendarPollMs: e.SWITCHBOARD_CALENDAR_POLL_INTERVAL,
    calendarPrivateAddresses: e.SWITCHBOARD_CALENDAR_PRIVATE_ADDRESSES === 'allow',
  };
  Object.defineProperty(config, 'email', { value: e.SWITCHBOARD_SMTP_URL ? { smtpUrl: e.SWITCHBOARD_SMTP_URL, from: e.SWITCHBOARD_EMAIL_FROM as string } : undefined, enumerable: false });
  // Not enumerable: a logged or serialised configuration never shows the key.
  Object.defineProperty(config, 'adminKey', { value: e.SWITCHBOARD_ADMIN_KEY, enumerable: false });
  Object.defineProperty(config, 'calcomWebhookSecret', { value: e.SWITCHBOARD_CALCOM_WEBHOOK_SECRET, enumerable: false });
  return Object.freeze(config as typeof config & { adminKey: string | undefined; email: SwitchboardConfig['email']; calcomWebhookSecret: string | undefined });
}

function singleSignOnOf(e: z.output<typeof envSchema>): SingleSignOnConfig {
  const sso = {
    issuer: e.SWITCHBOARD_OIDC_ISSUER as string,
    clientId: e.SWITCHBOARD_OIDC_CLIENT_ID as string,
    redirectUrl: e.SWITCHBOARD_OIDC_REDIRECT_URL as string,
    scopes: e.SWITCHBOARD_OIDC_SCOPES,
    groupsClaim: e.SWITCHBOARD_OIDC_GROUPS_CLAIM,
    roles: e.SWITCHBOARD_OIDC_ROLES ?? [],
    name: e.SWITCHBOARD_OIDC_NAME,
  };
  // Not enumerable: a logged configuration never shows the client secret.
  Object.defineProperty(sso, 'clientSecret', { value: e.SWITCHBOARD_OIDC_CLIENT_SECRET, enumerable: false });
  return sso as SingleSignOnConfig;
}
