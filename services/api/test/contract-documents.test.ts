import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contractFiles, renderContractDocuments } from '../src/contract-documents.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('committed contract documents', () => {
  it('match the code (run `pnpm contracts` after changing a route or an event schema)', async () => {
    const rendered = await renderContractDocuments();
    expect(await readFile(`${root}${contractFiles.openApi}`, 'utf8')).toBe(rendered.openApi);
    expect(await readFile(`${root}${contractFiles.asyncApi}`, 'utf8')).toBe(rendered.asyncApi);
  });

  it('document every public route and the event channels', async () => {
    const { openApi, asyncApi } = await renderContractDocuments();
    const paths = Object.keys(JSON.parse(openApi).paths).sort();
    expect(paths).toEqual([
      '/healthz',
      '/livez',
      '/v1/accounts',
      '/v1/accounts/import',
      '/v1/accounts/{id}',
      '/v1/audit',
      '/v1/booking/{token}',
      '/v1/booking/{token}/slots',
      '/v1/config',
      '/v1/config/diff',
      '/v1/config/rollback',
      '/v1/config/versions',
      '/v1/config/versions/{version}',
      '/v1/events',
      '/v1/inspect/{kind}/{id}',
      '/v1/inspect/{kind}/{id}/xstate',
      '/v1/intake-sources',
      '/v1/intake-sources/{name}',
      '/v1/intake-sources/{name}/rotate',
      '/v1/intake/{name}',
      '/v1/integrations/calcom/route',
      '/v1/integrations/calcom/route/{event}',
      '/v1/integrations/calcom/webhook',
      '/v1/keys',
      '/v1/keys/{id}',
      '/v1/leads',
      '/v1/leads/{id}',
      '/v1/leads/{id}/booking-link',
      '/v1/leads/{id}/close',
      '/v1/leads/{id}/decision',
      '/v1/leads/{id}/personal-data',
      '/v1/leads/{id}/reject',
      '/v1/leads/{id}/timeline',
      '/v1/leads/{id}/touches',
      '/v1/notifications',
      '/v1/notifications/test',
      '/v1/reports/fairness',
      '/v1/reports/sla',
      '/v1/reps',
      '/v1/reps/{id}',
      '/v1/salesforce/attention',
      '/v1/session',
      '/v1/session/oidc',
      '/v1/session/oidc/callback',
      '/v1/session/providers',
      '/v1/simulate',
      '/v1/teams',
      '/v1/teams/{idOrName}',
      '/v1/webhooks',
      '/v1/webhooks/{id}',
      '/v1/webhooks/{id}/deliveries',
      '/v1/webhooks/{id}/test',
    ]);
    const channels = parse(asyncApi).channels;
    expect(Object.values(channels).map((c) => (c as { address: string }).address)).toEqual([
      '{namespace}.lead.intake',
      '{namespace}.deadletter.lead.intake',
      '{namespace}.evt.lead.received',
      '{namespace}.evt.lead.merged',
      '{namespace}.evt.lead.assigned',
      '{namespace}.evt.lead.waiting',
      '{namespace}.evt.lead.unassigned_alert',
      '{namespace}.evt.lead.dead_lettered',
      '{namespace}.evt.lead.booked',
      '{namespace}.evt.lead.booking_cancelled',
      '{namespace}.evt.lead.touched',
      '{namespace}.evt.lead.breached',
      '{namespace}.evt.lead.rejected',
      '{namespace}.evt.lead.rerouted',
      '{namespace}.evt.lead.escalated',
      '{namespace}.evt.lead.closed',
      '{namespace}.evt.lead.converted',
    ]);
  });
});
