import { createInProcessBus, createSubjects } from '@switchboard/bus';
import { createDatabase } from '@switchboard/store';
import { stringify } from 'yaml';
import { createApiServer } from './api-server.ts';
import { buildAsyncApiDocument } from './asyncapi-document.ts';

/** Where the committed contract documents live, relative to the repository root. */
export const contractFiles = {
  openApi: 'services/api/openapi.json',
  asyncApi: 'services/api/asyncapi.yaml',
} as const;

/**
 * Renders the OpenAPI and AsyncAPI documents as committed. The OpenAPI document comes
 * from the routes' own schemas; building it opens no connection.
 */
export async function renderContractDocuments(): Promise<{ openApi: string; asyncApi: string }> {
  // The pool connects lazily: nothing is queried while the document is built.
  const db = createDatabase({ url: 'postgres://localhost:1/none' });
  const bus = createInProcessBus();
  try {
    const api = await createApiServer({ db, bus, subjects: createSubjects('sb') });
    await api.app.ready();
    const openApi = `${JSON.stringify(api.app.swagger(), null, 2)}\n`;
    await api.app.close();
    return { openApi, asyncApi: stringify(buildAsyncApiDocument(), { lineWidth: 0 }) };
  } finally {
    await bus.close();
    await db.destroy();
  }
}
