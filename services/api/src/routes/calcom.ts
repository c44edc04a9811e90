import { createCalcomRepository, type ConfigVersionRepository, type Database, type RepRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { LeadIntakeService } from '../lead-intake.ts';
import type { RouterClient } from '../router-client.ts';
import { calcomRoutingRoutes } from './calcom-routing.ts';
import { calcomWebhookRoutes } from './calcom-webhook.ts';

/** What the Cal.com integration needs of the API. */
export interface CalcomRouteDeps {
  readonly db: Kysely<Database>;
  readonly intake: LeadIntakeService;
  readonly router: RouterClient;
  readonly versions: ConfigVersionRepository;
  readonly reps: RepRepository;
  /** `SWITCHBOARD_CALCOM_WEBHOOK_SECRET`; without it the webhook answers 503. */
  readonly webhookSecret: string | undefined;
}

/**
 * The Cal.com integration under `/v1/integrations/calcom/`: the booking webhook (touches) and
 * the routing-form route (which rep to book). See docs/calcom.md.
 */
export function calcomRoutes(app: FastifyInstance, deps: CalcomRouteDeps): void {
  const calcom = createCalcomRepository(deps.db);
  calcomWebhookRoutes(app, { calcom, router: deps.router, webhookSecret: deps.webhookSecret });
  calcomRoutingRoutes(app, { calcom, intake: deps.intake, versions: deps.versions, reps: deps.reps });
}
