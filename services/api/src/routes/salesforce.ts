import type { SalesforceRepository } from '@switchboard/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoDate } from '../schemas.ts';
import { access } from '../auth/access-control.ts';

const attentionSchema = z
  .object({
    id: z.number(),
    leadId: z.uuid(),
    salesforceId: z.string().describe('The Salesforce Lead Id.'),
    repId: z.uuid().nullable().describe('The owner Switchboard chose.'),
    salesforceUserId: z.string().nullable().describe('The User the write-back tried to set as OwnerId; null when no User matched the rep.'),
    errorCode: z.string().describe('Salesforce’s status code (e.g. FIELD_CUSTOM_VALIDATION_EXCEPTION, INACTIVE_OWNER_OR_USER, INVALID_CROSS_REFERENCE_KEY), or NO_SALESFORCE_USER.'),
    message: z.string().describe('Salesforce’s message, as it gave it.'),
    fields: z.array(z.string()).readonly(),
    attempts: z.number().describe('How many write-backs of this lead were refused.'),
    createdAt: isoDate,
    updatedAt: isoDate,
    resolvedAt: isoDate.nullable().describe('When a later write-back of the lead succeeded.'),
  })
  .meta({ id: 'SalesforceAttention' });

/** `/v1/salesforce`: what the Salesforce connector could not do by itself. */
export function salesforceRoutes(app: FastifyInstance, deps: { readonly salesforce: SalesforceRepository }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/v1/salesforce/attention',
    {
      schema: {
        ...access('viewer'),
        tags: ['salesforce'],
        summary: 'Owner write-backs Salesforce refused',
        description:
          'Leads whose owner Salesforce refused to take (a validation rule, an inactive user, a bad reference) or whose rep no Salesforce User matches, newest first. A record stays until a later write-back of the lead succeeds.',
        querystring: z.object({
          includeResolved: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true')
            .describe('Also list records resolved since.'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(attentionSchema) }) },
      },
    },
    async (request) => ({
      items: await deps.salesforce.listAttention({ includeResolved: request.query.includeResolved, limit: request.query.limit }),
    }),
  );
}
