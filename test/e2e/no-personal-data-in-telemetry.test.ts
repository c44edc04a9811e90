import { Writable } from 'node:stream';
import { configFromEnv, type RunningSwitchboard, startSwitchboard } from '@switchboard/server';
import { registerInMemoryTracing, type InMemoryTracing } from '@switchboard/telemetry';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamOfReps, createTestDatabase, eventually, http, TEST_ADMIN_KEY, type TestDatabase } from '../support/index.ts';

// Logs and traces carry lead ids, never what identifies the person: a lead's life at the most
// verbose log level, every span and its attributes and events, searched for its email and name.

describe('logs and traces', () => {
  let tracing: InMemoryTracing;
  let database: TestDatabase;
  let running: RunningSwitchboard;
  const lines: string[] = [];

  beforeAll(async () => {
    tracing = registerInMemoryTracing();
    database = await createTestDatabase();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    running = await startSwitchboard(configFromEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, SWITCHBOARD_NAMESPACE: 'pii', SWITCHBOARD_ADMIN_KEY: TEST_ADMIN_KEY }), {
      logger: pino({ level: 'trace' }, sink),
    });
  });
  afterAll(async () => {
    await running?.stop();
    await tracing?.shutdown();
    await database?.drop();
  });

  it('carry no lead email, name or company through intake, routing, a duplicate, a refusal, work and erasure', async () => {
    const url = running.url;
    await createTeamOfReps(url, { count: 2 });
    const lead = { email: 'maria.gonzalez@private-mail.test', firstName: 'Maria', lastName: 'Gonzalez-Ibarra', company: 'Gonzalez Holdings', externalId: 'crm-77', attributes: { phone: '+34 600 111 222' } };
    const id = (await http(url, 'POST', '/v1/leads', lead)).body.id as string;
    await eventually(async () => (await http(url, 'GET', `/v1/leads/${id}`)).body.state === 'assigned');
    expect((await http(url, 'POST', '/v1/leads', lead)).status).toBe(200);
    expect((await http(url, 'POST', '/v1/leads', { ...lead, email: 'maria.gonzalez@', externalId: 'crm-78' })).status).toBe(400);
    await http(url, 'POST', `/v1/leads/${id}/touches`, { type: 'email' });
    await http(url, 'POST', `/v1/leads/${id}/close`, { outcome: 'won' });
    expect((await http(url, 'DELETE', `/v1/leads/${id}/personal-data`)).status).toBe(200);

    await eventually(async () => tracing.spans().some((s) => JSON.stringify(s.attributes).includes(id)), 10_000, 'the lead’s spans');
    expect(lines.length).toBeGreaterThan(0);
    const spans = JSON.stringify(tracing.spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    for (const personal of ['maria.gonzalez', 'private-mail.test', 'Gonzalez-Ibarra', 'Gonzalez Holdings', '+34 600']) {
      expect(lines.join(''), `logs mention ${personal}`).not.toContain(personal);
      expect(spans, `spans mention ${personal}`).not.toContain(personal);
    }
    // The lead is in them, by id.
    expect(spans).toContain(id);
  });
});
