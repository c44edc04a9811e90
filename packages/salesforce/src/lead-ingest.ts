import { type Bus, encodeJson, type Subjects } from '@switchboard/bus';
import { IntakeHeader, type LeadId, type LeadIntake, leadIntakeSchema, type Logger, newId } from '@switchboard/core';
import type { LeadIntakeWriter, SalesforceLeadChange, SalesforceRepository } from '@switchboard/store';
import { type FieldMap, selectedFields, statusAttribute, toLeadIntake } from './field-map.ts';
import type { SalesforceClient, SalesforceRecord } from './salesforce-client.ts';
import { parseSalesforceDatetime, soqlDatetime, soqlString } from './salesforce-id.ts';
import type { TouchSender } from './touch-sender.ts';

/** What one poll of Leads did. */
export interface LeadPollReport {
  readonly read: number;
  readonly created: number;
  readonly updated: number;
  readonly statusTouches: number;
  readonly skipped: number;
}

/** What lead ingest needs. */
export interface LeadIngestDeps {
  readonly client: () => SalesforceClient;
  readonly repository: SalesforceRepository;
  readonly writer: LeadIntakeWriter;
  readonly bus: Bus;
  readonly subjects: Subjects;
  readonly touches: TouchSender;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly fieldMap: FieldMap;
  readonly initialStatus: string;
  /** Where the very first poll starts when there is no watermark yet. */
  readonly since: () => Date;
  /** Only records stamped before this are read: seconds still filling up are left for the next poll. */
  readonly cutoff: () => Date;
  /** How far behind the watermark each poll reads again, for records that committed late (ms). @default 0 */
  readonly lookbackMs?: number;
}

/**
 * The watermark condition: strictly after (timestamp, Id), and before `cutoff`, so nothing
 * is read twice or missed. Salesforce stamps whole seconds and a record changed later in
 * a second may have a lower Id than one already read in it: reading a second only once it
 * is over (the cutoff lags the clock) keeps the (timestamp, Id) order complete.
 */
export function afterWatermark(field: string, at: Date, id: string, cutoff?: Date): string {
  const ts = soqlDatetime(at);
  const before = cutoff ? ` AND ${field} < ${soqlDatetime(cutoff)}` : '';
  // No Id yet (the first poll): from the timestamp on; `Id > ''` is not a valid Id comparison in Salesforce.
  if (id === '') return `${field} >= ${ts}${before}`;
  return `(${field} > ${ts} OR (${field} = ${ts} AND Id > ${soqlString(id)}))${before}`;
}

/**
 * Polls new and changed Leads on the persisted watermark (SystemModstamp, then Id) and
 * brings them into Switchboard, a page at a time; the watermark moves after each page is
 * committed, so a restart resumes exactly there. A new Lead is stored as a lead (externalId
 * = its Id) and published for routing, as the API does; a known one has its fields and
 * attributes updated, and a Status change away from the initial status is a touch.
 */
export function createLeadIngest(deps: LeadIngestDeps): { poll(): Promise<LeadPollReport> } {
  const { repository, writer, bus, subjects, touches, logger, clock, fieldMap, initialStatus } = deps;
  const fields = selectedFields(fieldMap);
  const statusKey = statusAttribute(fieldMap);

  const publishNew = async (id: LeadId, intake: LeadIntake, receivedAt: Date) => {
    const headers = { [IntakeHeader.leadId]: id, [IntakeHeader.receivedAt]: receivedAt.toISOString() };
    // Committed already: a failed publish is picked up by the router's sweep.
    await bus.publish(subjects.leadIntake, encodeJson(intake), { msgId: id, headers }).catch((error: unknown) => {
      logger.warn({ err: error, leadId: id }, 'publishing a Salesforce lead for routing failed; the router’s sweep will route it');
    });
  };

  const ingestPage = async (records: SalesforceRecord[], report: { created: number; updated: number; statusTouches: number; skipped: number }) => {
    const intakes = new Map<string, LeadIntake>();
    for (const record of records) {
      const intake = toLeadIntake(record, fieldMap);
      const valid = intake && leadIntakeSchema.safeParse(intake);
      if (!valid || !valid.success) {
        report.skipped++;
        logger.warn(
          { salesforceId: record.Id, problem: valid ? valid.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'no email' },
          'a Salesforce Lead was not taken: Switchboard needs a valid email; it is read again when it changes',
        );
        continue;
      }
      intakes.set(record.Id, valid.data);
    }
    const known = await repository.leadsByExternalId([...intakes.keys()]);
    const changes: SalesforceLeadChange[] = [];
    const writes: Array<Promise<void>> = [];
    for (const [salesforceId, intake] of intakes) {
      const lead = known.get(salesforceId);
      if (lead) {
        const before = lead.attributes[statusKey];
        const after = intake.attributes?.[statusKey];
        // A status set while the lead has no owner yet is kept out of the stored attributes (below),
        // so that it counts as a touch once the lead is assigned and read again.
        const unowned = lead.ownerId === null;
        if (typeof after === 'string' && before !== after && after !== initialStatus && !unowned) {
          // Before the attributes change: a touch that fails is found again on the next poll.
          const outcome = await touches.touch(lead.id, 'status_change', `Salesforce Lead Status: ${String(before ?? initialStatus)} → ${after}`);
          if (outcome === 'touched') report.statusTouches++;
        }
        changes.push({
          id: lead.id,
          firstName: intake.firstName ?? null,
          lastName: intake.lastName ?? null,
          company: intake.company ?? null,
          attributes: unowned ? withoutKey(intake.attributes ?? {}, statusKey) : (intake.attributes ?? {}),
        });
        continue;
      }
      const id = newId<LeadId>();
      const receivedAt = new Date(clock());
      writes.push(
        writer.write({ id, intake, receivedAt, via: 'api' }).then(async (result) => {
          // A merge's lead.merged event, like a new lead's lead.received, is in the event log: the router's relay publishes it.
          if (!result.duplicate) {
            report.created++;
            await publishNew(id, intake, receivedAt);
          }
        }),
      );
    }
    await Promise.all(writes);
    const updated = await repository.updateLeads(changes);
    report.updated += updated.size;
  };

  return {
    async poll() {
      const report = { read: 0, created: 0, updated: 0, statusTouches: 0, skipped: 0 };
      const stored = await repository.watermark('Lead');
      let watermark = stored ?? { at: deps.since(), id: '' };
      const lookbackMs = deps.lookbackMs ?? 0;
      // With a look-back, read again from a while before the watermark (a record that committed
      // late sits there); ingesting a known lead again changes nothing that did not change.
      const condition =
        stored && lookbackMs > 0
          ? afterWatermark('SystemModstamp', new Date(stored.at.getTime() - lookbackMs), '', deps.cutoff())
          : afterWatermark('SystemModstamp', watermark.at, watermark.id, deps.cutoff());
      const soql = `SELECT ${fields.join(', ')} FROM Lead WHERE IsConverted = false AND ${condition} ORDER BY SystemModstamp, Id`;
      await deps.client().queryPages(soql, async (records) => {
        if (records.length === 0) return;
        report.read += records.length;
        await ingestPage(records, report);
        const last = records.at(-1) as SalesforceRecord;
        const next = { at: parseSalesforceDatetime(String(last.SystemModstamp)), id: last.Id };
        // Forward only: a page of re-read records must not move the watermark back.
        if (next.at > watermark.at || (next.at.getTime() === watermark.at.getTime() && next.id > watermark.id)) {
          watermark = next;
          await repository.setWatermark('Lead', next);
        }
      });
      if (report.read > 0) logger.info(report, 'Salesforce leads polled');
      return report;
    },
  };
}

function withoutKey<V>(attributes: Readonly<Record<string, V>>, key: string): Record<string, V> {
  return Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== key));
}
