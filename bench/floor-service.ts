/**
 * The floor: the least a service can do for `POST /v1/leads` and still promise what
 * Switchboard's 202 promises. A fastify app that validates the body with the same zod
 * schema (`leadIntakeSchema`) and commits the same two rows per lead (`leads` in state
 * `new`, and its `lead.received` row in `lead_events`) in the same PostgreSQL, with
 * group commit and `synchronous_commit` left on, answering each request after its
 * batch committed. No bus, no actors, no routing, no duplicate handling (the bench
 * never sends a duplicate).
 *
 * Reads `DATABASE_URL` (a schema of its own, migrated here with `migrateToLatest`),
 * `PORT` and `HOST`; prints `{"url":…,"pid":…}` on stdout and stops on SIGTERM.
 */
import { leadIntakeSchema, type LeadIntake } from '@switchboard/core';
import { createDatabase, migrateToLatest } from '@switchboard/store';
import Fastify from 'fastify';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { answerProbes } from './lib/service-probes.ts';

/** Most leads in one transaction. */
const MAX_BATCH = 1000;
/** Transactions in flight at once (`FLOOR_MAX_IN_FLIGHT`); requests arriving meanwhile form the next batch. @default 1 */
const MAX_IN_FLIGHT = Number(process.env.FLOOR_MAX_IN_FLIGHT || 1);

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is not set: the floor service needs a PostgreSQL URL (with its own schema in search_path)');
  process.exit(2);
}

interface PendingLead {
  readonly id: string;
  readonly intake: LeadIntake;
  readonly receivedAt: Date;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const migrator = createDatabase({ url: databaseUrl, poolSize: 1 });
await migrateToLatest(migrator);
await migrator.destroy();

const pool = new pg.Pool({ connectionString: databaseUrl, max: MAX_IN_FLIGHT });
pool.on('error', () => {});

// One statement per batch: both inserts commit together, in one round trip.
const INSERT_BATCH = `
  with new_leads as (
    insert into leads (id, external_id, email, first_name, last_name, company, source, requested_team, attributes, state, trace_id, created_at, updated_at)
    select v.id, v.external_id, v.email, v.first_name, v.last_name, v.company, v.source, v.requested_team, v.attributes, 'new', null, v.at, v.at
    from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::timestamptz[])
      as v(id, external_id, email, first_name, last_name, company, source, requested_team, attributes, at)
    returning id
  )
  insert into lead_events (event_id, lead_id, type, from_state, to_state, cause, data, trace_id, occurred_at)
  select e.event_id, e.lead_id, 'lead.received', null, 'new', 'intake:api', e.data, null, e.at
  from unnest($11::uuid[], $1::uuid[], $12::jsonb[], $10::timestamptz[]) as e(event_id, lead_id, data, at)
  join new_leads on new_leads.id = e.lead_id`;

let queue: PendingLead[] = [];
let inFlight = 0;

async function commit(batch: ReadonlyArray<PendingLead>): Promise<void> {
  const column = <T>(pick: (lead: PendingLead) => T) => batch.map(pick);
  try {
    await pool.query(INSERT_BATCH, [
      column((l) => l.id),
      column((l) => l.intake.externalId ?? null),
      column((l) => l.intake.email),
      column((l) => l.intake.firstName ?? null),
      column((l) => l.intake.lastName ?? null),
      column((l) => l.intake.company ?? null),
      column((l) => l.intake.source ?? null),
      column((l) => l.intake.team ?? null),
      column((l) => JSON.stringify(l.intake.attributes ?? {})),
      column((l) => l.receivedAt.toISOString()),
      column(() => uuidv7()),
      column((l) =>
        JSON.stringify({
          email: l.intake.email,
          externalId: l.intake.externalId ?? null,
          company: l.intake.company ?? null,
          source: l.intake.source ?? null,
          requestedTeam: l.intake.team ?? null,
        }),
      ),
    ]);
    for (const lead of batch) lead.resolve();
  } catch (error) {
    for (const lead of batch) lead.reject(error);
  }
}

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    inFlight += 1;
    void commit(batch).finally(() => {
      inFlight -= 1;
      pump();
    });
  }
}

function store(id: string, intake: LeadIntake): Promise<void> {
  return new Promise((resolve, reject) => {
    queue.push({ id, intake, receivedAt: new Date(), resolve, reject });
    // Requests parsed in the same tick join one batch; later ones wait for the commit in flight.
    if (queue.length === 1) queueMicrotask(pump);
  });
}

const app = Fastify({ logger: false, bodyLimit: 65_536 });
app.post('/v1/leads', async (request, reply) => {
  const parsed = leadIntakeSchema.safeParse(request.body);
  if (!parsed.success) return reply.code(400).send({ error: 'validation_failed', issues: parsed.error.issues });
  const id = uuidv7();
  await store(id, parsed.data);
  return reply.code(202).send({ id, duplicate: false });
});

await app.listen({ port: Number(process.env.PORT || 0), host: process.env.HOST || '127.0.0.1' });
const { port } = app.server.address() as { port: number };

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await pool.end();
  process.exit();
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
answerProbes();

process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`);
