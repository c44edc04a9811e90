import type { Logger } from '@switchboard/core';
import type { SalesforceRepository } from '@switchboard/store';
import { afterWatermark } from './lead-ingest.ts';
import type { SalesforceClient, SalesforceRecord } from './salesforce-client.ts';
import { isSalesforceLeadId, parseSalesforceDatetime } from './salesforce-id.ts';
import type { TouchType } from '@switchboard/core';
import type { TouchSender } from './touch-sender.ts';

/** What one poll of Tasks and Events did. */
export interface ActivityPollReport {
  readonly read: number;
  readonly touches: number;
}

/** What the activity poll needs. */
export interface ActivityTouchesDeps {
  readonly client: () => SalesforceClient;
  readonly repository: SalesforceRepository;
  readonly touches: TouchSender;
  readonly logger: Logger;
  /** Where the very first poll starts when there is no watermark yet. */
  readonly since: () => Date;
  /** Only records created before this are read (see `afterWatermark`). */
  readonly cutoff: () => Date;
  /** Which of these Events the connector made itself (booked meetings): they are not touches. @default none */
  readonly ownEvents?: (ids: ReadonlyArray<string>) => Promise<ReadonlySet<string>>;
}

/** A Task's touch type from its subtype: a logged call, an email, else a call. */
function taskTouch(record: SalesforceRecord): TouchType {
  return String(record.TaskSubtype ?? '').toLowerCase() === 'email' ? 'email' : 'call';
}

/**
 * Polls Tasks and Events created since their watermarks (CreatedDate, then Id) and sends a
 * touch to each known lead they were logged on (`WhoId` = the Salesforce Lead Id): a Task
 * is a call or an email, an Event a meeting. A touch stops the lead's response SLA.
 */
export function createActivityTouches(deps: ActivityTouchesDeps): { poll(): Promise<ActivityPollReport> } {
  const { repository, touches, logger } = deps;
  const pollObject = async (object: 'Task' | 'Event', fields: string) => {
    let read = 0;
    let touched = 0;
    const watermark = (await repository.watermark(object)) ?? { at: deps.since(), id: '' };
    const soql = `SELECT Id, WhoId, ${fields}, CreatedDate FROM ${object} WHERE WhoId != null AND ${afterWatermark('CreatedDate', watermark.at, watermark.id, deps.cutoff())} ORDER BY CreatedDate, Id`;
    const deferred = new Error('deferred');
    try {
      await deps.client().queryPages(soql, async (records) => {
        if (records.length === 0) return;
        read += records.length;
        const whoIds = records.flatMap((r) => (typeof r.WhoId === 'string' && isSalesforceLeadId(r.WhoId) ? [r.WhoId] : []));
        const leads = await repository.leadsByExternalId([...new Set(whoIds)]);
        const own = object === 'Event' && deps.ownEvents ? await deps.ownEvents(records.map((r) => r.Id)) : new Set<string>();
        let done: SalesforceRecord | undefined;
        try {
          for (const record of records) {
            if (own.has(record.Id)) {
              done = record;
              continue;
            }
            const lead = typeof record.WhoId === 'string' ? leads.get(record.WhoId) : undefined;
            // A lead still being routed gets its touch once it has an owner: stop here, go on next poll.
            if (lead && (lead.state === 'new' || lead.state === 'routing')) throw deferred;
            if (lead && lead.ownerId !== null) {
              const touch: TouchType = object === 'Event' ? 'meeting' : taskTouch(record);
              const note = `Salesforce ${object} ${record.Id}${record.Subject ? `: ${String(record.Subject)}` : ''}`;
              if ((await touches.touch(lead.id, touch, note)) === 'touched') touched++;
            }
            done = record;
          }
        } finally {
          if (done) await repository.setWatermark(object, { at: parseSalesforceDatetime(String(done.CreatedDate)), id: done.Id });
        }
      });
    } catch (error) {
      if (error !== deferred) throw error;
    }
    return { read, touched };
  };
  return {
    async poll() {
      const tasks = await pollObject('Task', 'Subject, TaskSubtype');
      const events = await pollObject('Event', 'Subject');
      const report = { read: tasks.read + events.read, touches: tasks.touched + events.touched };
      if (report.read > 0) logger.info(report, 'Salesforce tasks and events polled');
      return report;
    },
  };
}
