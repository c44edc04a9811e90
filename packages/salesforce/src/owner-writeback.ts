import type { Bus, BusMessage, BusSubscription, Subjects } from '@switchboard/bus';
import { type LeadAssignedEvent, type Logger, LifecycleEventType } from '@switchboard/core';
import type { NewSalesforceAttention, RepRepository, SalesforceRepository } from '@switchboard/store';
import { isTransientCode, SalesforceApiError } from './errors.ts';
import type { SalesforceClient, SaveResult } from './salesforce-client.ts';
import { isSalesforceLeadId } from './salesforce-id.ts';
import type { UserDirectory } from './user-directory.ts';

/** The most records one sObject Collections call takes. */
export const COLLECTION_LIMIT = 200;

/** What the write-back needs. */
export interface OwnerWritebackDeps {
  readonly client: () => SalesforceClient | undefined;
  readonly repository: SalesforceRepository;
  readonly reps: RepRepository;
  readonly users: UserDirectory;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly logger: Logger;
  /** The `source` the ingest gives Salesforce leads (the field map's): only those are written back. */
  readonly source: string;
  /** How long to gather assignments before a call, in milliseconds. @default 250 */
  readonly batchMs?: number;
  /** Tries of one call on transient errors (5xx, network, REQUEST_LIMIT_EXCEEDED) before the batch is handed back for redelivery. @default 5 */
  readonly maxAttempts?: number;
  /** The first retry's wait, doubled each time. @default 500 */
  readonly retryBaseMs?: number;
}

/** The running write-back. */
export interface OwnerWriteback {
  start(): Promise<void>;
  /** Stops consuming and waits for the batch in flight. */
  stop(): Promise<void>;
}

interface Pending {
  readonly message: BusMessage;
  readonly leadId: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes each Salesforce lead's owner back to `Lead.OwnerId`: a durable consumer of
 * `lead.assigned` gathers assignments for a moment and writes them with sObject
 * Collections, up to 200 a call (`allOrNone: false`, so one refused record doesn't hold
 * back the others). The owner written is the lead's current owner in PostgreSQL, so a
 * late or redelivered event can't put back an earlier owner. Transient failures are
 * retried with exponential backoff; records Salesforce refuses (a validation rule, an
 * inactive user, a bad reference) and reps no User matches go to the needs-attention list.
 * An event is acknowledged only once its outcome is recorded. Leads that didn't come from
 * Salesforce are left alone.
 */
export function createOwnerWriteback(deps: OwnerWritebackDeps): OwnerWriteback {
  const { repository, reps, users, bus, subjects, logger } = deps;
  const batchMs = deps.batchMs ?? 250;
  const maxAttempts = deps.maxAttempts ?? 5;
  const retryBaseMs = deps.retryBaseMs ?? 500;
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let subscription: BusSubscription | undefined;
  let stopped = false;

  const schedule = () => {
    if (pending.length >= COLLECTION_LIMIT) {
      flushSoon(0);
    } else if (!timer) {
      flushSoon(batchMs);
    }
  };
  const flushSoon = (delay: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const batch = takeBatch();
      if (batch.length === 0) return;
      chain = chain.then(() => writeBatch(batch)).catch((error: unknown) => {
        logger.error({ err: error }, 'Salesforce owner write-back failed; the assignments are delivered again');
        for (const p of batch) p.message.nak(5000);
      });
      if (pending.length > 0) schedule();
    }, delay);
  };
  /** Up to 200 distinct leads (every message of a lead rides along). */
  const takeBatch = (): Pending[] => {
    const leads = new Set<string>();
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of pending) {
      if (leads.has(p.leadId) || leads.size < COLLECTION_LIMIT) {
        leads.add(p.leadId);
        batch.push(p);
      } else {
        rest.push(p);
      }
    }
    pending = rest;
    return batch;
  };

  const writeBatch = async (batch: Pending[]): Promise<void> => {
    const client = deps.client();
    if (!client) {
      // Not signed in yet: hand the assignments back for later.
      for (const p of batch) p.message.nak(5000);
      return;
    }
    const leads = await repository.leadsById([...new Set(batch.map((p) => p.leadId))]);
    const targets = [...leads.values()].filter(
      // The configured source, not a fixed name: the field map may call it anything.
      (lead) => lead.source === deps.source && isSalesforceLeadId(lead.externalId) && lead.ownerId !== null,
    );
    const repIds = [...new Set(targets.map((t) => t.ownerId as string))];
    const repRows = (await Promise.all(repIds.map((id) => reps.get(id)))).filter((r) => r !== undefined);
    const userOf = await users.resolve(repRows);
    const attention: NewSalesforceAttention[] = [];
    let records: Array<{ leadId: string; repId: string; userId: string; Id: string }> = [];
    for (const lead of targets) {
      const repId = lead.ownerId as string;
      const userId = userOf.get(repId);
      if (!userId) {
        const rep = repRows.find((r) => r.id === repId);
        attention.push({
          leadId: lead.id,
          salesforceId: lead.externalId,
          repId,
          salesforceUserId: null,
          errorCode: 'NO_SALESFORCE_USER',
          message: `no active Salesforce User has the email ${rep?.email ?? '(unknown rep)'}; set the rep’s salesforceUserId (PATCH /v1/reps/${repId})`,
          fields: ['OwnerId'],
        });
        continue;
      }
      records.push({ leadId: lead.id, repId, userId, Id: lead.externalId });
    }

    const written: string[] = [];
    for (let attempt = 1; records.length > 0; attempt++) {
      let results: SaveResult[];
      try {
        results = await client.updateCollection(
          'Lead',
          records.map((r) => ({ Id: r.Id, OwnerId: r.userId })),
        );
      } catch (error) {
        const transient = error instanceof SalesforceApiError && error.transient;
        if (transient && attempt < maxAttempts) {
          const wait = retryBaseMs * 2 ** (attempt - 1);
          logger.warn({ err: error, attempt, waitMs: wait, records: records.length }, 'Salesforce owner write-back failed; trying again');
          await sleep(wait);
          continue;
        }
        throw error;
      }
      const retry: typeof records = [];
      results.forEach((result, i) => {
        const record = records[i];
        if (!record) return;
        if (result.success) {
          written.push(record.leadId);
          return;
        }
        const first = result.errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'Salesforce refused the record without saying why', fields: [] };
        if (isTransientCode(first.statusCode) && attempt < maxAttempts) {
          retry.push(record);
          return;
        }
        if (first.statusCode === 'INACTIVE_OWNER_OR_USER') users.forget(record.userId);
        attention.push({
          leadId: record.leadId as never,
          salesforceId: record.Id,
          repId: record.repId,
          salesforceUserId: record.userId,
          errorCode: first.statusCode,
          message: result.errors.map((e) => e.message).join('; '),
          fields: [...new Set(result.errors.flatMap((e) => e.fields ?? []))],
        });
      });
      records = retry;
      if (records.length > 0) await sleep(retryBaseMs * 2 ** (attempt - 1));
    }

    await repository.resolveAttention(written);
    if (attention.length > 0) {
      await repository.recordAttention(attention);
      logger.warn(
        { refused: attention.map((a) => ({ leadId: a.leadId, salesforceId: a.salesforceId, errorCode: a.errorCode })) },
        `Salesforce refused ${attention.length} owner write-back(s); they are in the attention list (GET /v1/salesforce/attention)`,
      );
    }
    if (written.length > 0) logger.info({ written: written.length }, 'lead owners written to Salesforce');
    for (const p of batch) p.message.ack();
  };

  return {
    async start() {
      stopped = false;
      subscription = await bus.consume(
        subjects.streams.events,
        {
          durable: subjects.consumers.salesforceWriteback,
          filterSubject: subjects.event(LifecycleEventType.leadAssigned),
          maxInFlight: 2000,
          // Long enough for a batch that waits out its retries.
          ackWaitMs: 120_000,
        },
        (message) => {
          if (stopped) {
            // Later, not at once: an immediate redelivery would loop until the subscription stops.
            message.nak(5000);
            return;
          }
          let event: LeadAssignedEvent;
          try {
            event = message.json<LeadAssignedEvent>();
          } catch {
            message.term();
            return;
          }
          // Only leads with a Salesforce Lead Id can be written back; others are acked at once.
          if (!event.data?.externalId || !isSalesforceLeadId(event.data.externalId)) {
            message.ack();
            return;
          }
          pending.push({ message, leadId: event.leadId });
          schedule();
        },
      );
    },
    async stop() {
      stopped = true;
      await subscription?.stop();
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const p of pending) p.message.nak();
      pending = [];
      await chain;
    },
  };
}
