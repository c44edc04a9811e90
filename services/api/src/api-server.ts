import { BookingService } from './booking-service.ts';
import { bookingRoutes } from './routes/booking.ts';
import { type CalendarSettings, createCalendarReader } from './calendar-reading.ts';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Bus, Subjects } from '@switchboard/bus';
import type { Logger } from '@switchboard/core';
import {
  createLeadIntakeWriter,
  createLeadRepository,
  createRepRepository,
  createAccountRepository,
  createSalesforceRepository,
  createConfigVersionRepository,
  createReportRepository,
  createTeamRepository,
  createInspectionRepository,
  createCredentialRepository,
  createIntakeSourceRepository,
  createAuditLogRepository,
  createNotificationRepository,
  createCalendarRepository,
  createBookingRepository,
  type Database,
} from '@switchboard/store';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { createMetrics } from '@switchboard/telemetry';
import { handleError } from './errors.ts';
import { installCrossSiteGuard } from './cross-site-guard.ts';
import { installInputGuard } from './input-guard.ts';
import { createPathParameterErrors, MAX_PATH_PARAMETER_LENGTH } from './path-parameter-errors.ts';
import { docsContentSecurityPolicy, installSecurityHeaders } from './security-headers.ts';
import { installHttpTracing } from './http-tracing.ts';
import { type MetricsSource, metricsRoutes } from './routes/metrics.ts';
import { LeadIntakeService } from './lead-intake.ts';
import { RouterClient } from './router-client.ts';
import { accountRoutes } from './routes/accounts.ts';
import { healthRoutes } from './routes/health.ts';
import { commandRoutes, leadRoutes } from './routes/leads.ts';
import { repRoutes } from './routes/reps.ts';
import { teamRoutes } from './routes/teams.ts';
import { configRoutes } from './routes/config.ts';
import { simulateRoutes } from './routes/simulate.ts';
import { reportRoutes } from './routes/reports.ts';
import { salesforceRoutes } from './routes/salesforce.ts';
import { ConfigService } from './config-service.ts';
import { fastifySSE } from '@fastify/sse';
import { inspectRoutes } from './routes/inspect.ts';
import { consoleRoutes, defaultConsoleDir, isConsolePage, serveConsolePage } from './console-routes.ts';
import { access, installAccessControl, securitySchemes } from './auth/access-control.ts';
import { installReferenceResolution } from './references.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { notificationTestRoutes, type NotifySettings } from './routes/notification-test.ts';
import { Authenticator } from './auth/authenticator.ts';
import { ConsoleSessions } from './auth/console-sessions.ts';
import { keyRoutes } from './routes/keys.ts';
import { intakeSourceRoutes } from './routes/intake-sources.ts';
import { calcomRoutes } from './routes/calcom.ts';
import { installAudit } from './audit.ts';
import { installSlackUrlRedaction } from './slack-url-redaction.ts';
import { auditRoutes } from './routes/audit.ts';
import { personalDataRoutes } from './routes/personal-data.ts';
import { type SingleSignOnConfig, singleSignOnRoutes } from './routes/single-sign-on.ts';
import { startRetention } from './retention.ts';
import { DEFAULT_RATE_LIMITS, installRateLimits, type RateLimits } from './rate-limits.ts';

/** What the API needs. */
export interface ApiServerOptions {
  readonly db: Kysely<Database>;
  readonly bus: Bus;
  readonly subjects: Subjects;
  /** A pino logger (fastify's own), or false for none. @default false */
  readonly logger?: FastifyBaseLogger | false;
  /** Largest request body in bytes. @default 65536 */
  readonly bodyLimit?: number;
  /** The clock that stamps intake times. @default Date.now */
  readonly clock?: () => number;
  /** What `GET /metrics` serves (the process's metrics, router included). @default metrics of the API alone */
  readonly metrics?: MetricsSource;
  /**
   * Says that lifecycle events were committed (intake's `lead.received`): a router in the
   * same process publishes them at once. Without one, the router's relay finds them within
   * its poll interval. @default nothing
   */
  readonly eventsCommitted?: () => void;
  /** Origins besides the API's own that may send writes (`SWITCHBOARD_ALLOWED_ORIGINS`). @default none */
  readonly allowedOrigins?: ReadonlyArray<string>;
  /** The web console's build, served at `/`. @default services/console/dist */
  readonly consoleDir?: string;
  /** `SWITCHBOARD_ADMIN_KEY`: accepted as an admin key besides the stored keys. @default none */
  readonly bootstrapKey?: string;
  /** The console's single sign-on (OpenID Connect). @default off */
  readonly singleSignOn?: SingleSignOnConfig | undefined;
  /** How often the retention policy erases closed leads' personal data, in ms. @default 3600000 (hourly) */
  readonly retentionIntervalMs?: number;
  /** Requests a minute per key and per IP. @default DEFAULT_RATE_LIMITS */
  readonly rateLimits?: RateLimits;
  /** Believe X-Forwarded-For and -Proto from an ingress (`SWITCHBOARD_TRUST_PROXY`). @default false */
  readonly trustProxy?: boolean;
  /** How reps' calendars are read and polled. @default DEFAULT_CALENDAR_SETTINGS */
  readonly calendars?: CalendarSettings;
  /** Slack and email for the notification setup check (`POST /v1/notifications/test`). @default Slack only, no links */
  readonly notify?: NotifySettings;
  /** `SWITCHBOARD_CALCOM_WEBHOOK_SECRET`: what Cal.com signs its webhooks with. @default none (the webhook answers 503) */
  readonly calcomWebhookSecret?: string;
}

/** The HTTP API, not yet listening. */
export interface ApiServer {
  readonly app: FastifyInstance;
  /** Waits for publishes the API started (on shutdown). */
  flush(): Promise<void>;
}

/** Builds the HTTP API: lead intake, reps, teams, health, and the OpenAPI document at `/openapi.json` and `/docs`. */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const pathParameterErrors = createPathParameterErrors();
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 65_536,
    // One log line per request is noise at thousands of leads a second; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors: pathParameterErrors.frameworkErrors,
    trustProxy: options.trustProxy ?? false,
  });
  pathParameterErrors.install(app);
  const log = app.log as unknown as Logger;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  installHttpTracing(app);
  // Headers first: the guards' refusals carry them too.
  await installSecurityHeaders(app);
  installCrossSiteGuard(app, { ...(options.allowedOrigins && { allowedOrigins: options.allowedOrigins }) });
  installInputGuard(app);
  await app.register(fastifyCookie);
  const clock = options.clock ?? Date.now;
  const credentials = createCredentialRepository(options.db);
  const authenticator = new Authenticator({ credentials, bootstrapKey: options.bootstrapKey, clock, logger: log });
  const sessions = new ConsoleSessions(credentials, clock);
  const leads = createLeadRepository(options.db);
  const reps = createRepRepository(options.db);
  const teams = createTeamRepository(options.db);
  await installRateLimits(app, options.rateLimits ?? DEFAULT_RATE_LIMITS, authenticator);
  // Before any route: each route's role is read as it is registered.
  installAccessControl(app, { authenticator, sessions, leads });
  // After access control: the caller is checked before anything is looked up for it.
  installReferenceResolution(app, { reps, teams });
  const consoleDir = options.consoleDir ?? defaultConsoleDir;
  app.setNotFoundHandler((request, reply) =>
    isConsolePage(request)
      ? serveConsolePage(reply, consoleDir)
      : reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}; see /docs for the API` }),
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: '1.0.0',
        description:
          'Lead routing: submit leads, manage reps and teams, and see where every lead went and why. ' +
          'Errors answer `{ error, message, errors? }` with a message that names the problem.',
      },
      tags: [
        { name: 'leads', description: 'Lead intake and history' },
        { name: 'reps', description: 'Sales reps' },
        { name: 'teams', description: 'Teams (pools of reps)' },
        { name: 'accounts', description: 'Accounts for sticky routing: leads from an account’s domains or naming its company go to its owner' },
        { name: 'config', description: 'The versioned routing configuration: teams, territories, rules' },
        { name: 'reports', description: 'Fairness audit and SLA report over a period, as JSON or CSV' },
        { name: 'inspection', description: "Actors' live state and transitions, lead timelines, and live event streams (server-sent events)" },
        { name: 'operations', description: 'Health' },
        { name: 'keys', description: 'API keys with roles, and the console’s sign-in' },
        { name: 'audit', description: 'Who changed what, when, and how it was before' },
        { name: 'notifications', description: 'Webhooks (signed, retried for 24 hours), and the log of every notification sent and its attempts' },
        { name: 'intake', description: 'Webhook intake for form tools and CDPs: sources, their signing secrets, and signed posts' },
        { name: 'integrations', description: 'Cal.com: booking webhooks that touch leads, and routing forms that ask which rep to book' },
      ],
      components: { securitySchemes: securitySchemes as never },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // The API explorer brings its own scripts and styles: its own policy, with their hashes.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: docsContentSecurityPolicy });

  const accounts = createAccountRepository(options.db);
  const versions = createConfigVersionRepository(options.db);
  const audit = createAuditLogRepository(options.db);
  const notifications = createNotificationRepository(options.db);
  const leadBefore = async (request: { params: unknown }) => {
    const lead = await leads.get((request.params as { id: string }).id);
    return lead && { id: lead.id, state: lead.state, ownerId: lead.ownerId };
  };
  installSlackUrlRedaction(app);
  installAudit(app, {
    audit,
    before: {
      'PATCH /v1/reps/:id': (request) => reps.get((request.params as { id: string }).id),
      'PATCH /v1/teams/:idOrName': (request) => teams.find((request.params as { idOrName: string }).idOrName),
      'PATCH /v1/accounts/:id': (request) => accounts.get((request.params as { id: string }).id),
      'DELETE /v1/accounts/:id': (request) => accounts.get((request.params as { id: string }).id),
      'PUT /v1/config': async () => (await versions.current())?.document ?? null,
      'POST /v1/config/rollback': async () => (await versions.current())?.document ?? null,
      'DELETE /v1/keys/:id': (request) => credentials.get((request.params as { id: string }).id),
      'PATCH /v1/webhooks/:id': (request) => notifications.getWebhook((request.params as { id: string }).id),
      'DELETE /v1/webhooks/:id': (request) => notifications.getWebhook((request.params as { id: string }).id),
      'POST /v1/leads/:id/touches': leadBefore,
      'POST /v1/leads/:id/close': leadBefore,
      'POST /v1/leads/:id/reject': leadBefore,
      'DELETE /v1/leads/:id/personal-data': leadBefore,
    },
    // A configuration's answer is a summary: the log keeps the document in force after it, to compare with the one before.
    after: {
      // The link's token is the prospect's credential, shown once: the log keeps when it was made, not the token.
      'POST /v1/leads/:id/booking-link': async (request) => ({ leadId: (request.params as { id: string }).id, token: '[not kept]' }),
      'PUT /v1/config': async () => (await versions.current())?.document ?? null,
      'POST /v1/config/rollback': async () => (await versions.current())?.document ?? null,
    },
  });
  const router = new RouterClient(options.bus, options.subjects, log);
  const intake = new LeadIntakeService({
    writer: createLeadIntakeWriter(options.db),
    bus: options.bus,
    subjects: options.subjects,
    teams,
    logger: log,
    clock,
    ...(options.eventsCommitted && { eventsCommitted: options.eventsCommitted }),
  });

  await app.register(fastifySSE, { heartbeatInterval: 15_000 });
  healthRoutes(app, { db: options.db, bus: options.bus });
  const calendars = createCalendarRepository(options.db);
  repRoutes(app, { reps, router, calendars, calendarReader: createCalendarReader({ calendars, ...(options.calendars && { settings: options.calendars }), clock }), clock });
  teamRoutes(app, { teams, router });

  const booking = new BookingService({ bookings: createBookingRepository(options.db), leads, reps, teams, router, clock });
  bookingRoutes(app, { booking, publicUrl: options.notify?.publicUrl ?? null });
  leadRoutes(app, { leads, intake, router, booking, publicUrl: options.notify?.publicUrl ?? null });
  commandRoutes(app, { router });
  inspectRoutes(app, { inspection: createInspectionRepository(options.db), reps, teams, router, bus: options.bus, subjects: options.subjects });
  configRoutes(app, { config: new ConfigService({ db: options.db, versions, reps }), versions, router });
  simulateRoutes(app, { versions, reps, teams, leads, accounts });
  reportRoutes(app, { reports: createReportRepository(options.db), teams, clock: options.clock ?? Date.now });
  salesforceRoutes(app, { salesforce: createSalesforceRepository(options.db) });
  await app.register(accountRoutes, { accounts, reps, router });
  auditRoutes(app, { audit });
  personalDataRoutes(app, { db: options.db, clock });
  const retention = startRetention({ db: options.db, versions, clock, logger: log, intervalMs: options.retentionIntervalMs ?? 3_600_000 });
  app.addHook('onClose', () => retention.stop());
  keyRoutes(app, { credentials, authenticator, sessions, clock });
  singleSignOnRoutes(app, { sso: options.singleSignOn, sessions, reps, clock });
  webhookRoutes(app, { notifications, clock });
  notificationRoutes(app, { notifications });
  notificationTestRoutes(app, { notifications, clock, settings: options.notify ?? { publicUrl: null } });
  intakeSourceRoutes(app, { sources: createIntakeSourceRepository(options.db), intake, clock });
  calcomRoutes(app, { db: options.db, intake, router, versions, reps, webhookSecret: options.calcomWebhookSecret });
  app.get('/openapi.json', { schema: { hide: true, ...access('viewer') } }, async () => app.swagger());
  metricsRoutes(app, { metrics: options.metrics ?? createMetrics() });
  await consoleRoutes(app, { dir: consoleDir });

  return {
    app,
    flush: async () => {
      await intake.flush();
      await authenticator.flush();
    },
  };
}
