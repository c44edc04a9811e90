import { type LeadId, newId, type RepId, type RoutingDecision } from '@switchboard/core';
import type { Kysely } from 'kysely';
import { createLeadIntakeWriter, createRepRepository, type Database, type RoutingWrite } from '../src/index.ts';

// What the fencing tests write: a rep, leads as the API stores them, and the step that assigns
// one to the rep (the lead, its assignment, its log and the rep's load in one write).

/** Creates the rep the fenced writes assign to. */
export async function fencingRep(db: Kysely<Database>): Promise<RepId> {
  const rep = await createRepRepository(db).create({ name: 'Sarah', email: 'sarah@x.io', timezone: 'UTC', weight: 1, cap: null, tags: [], caps: {}, workingHours: null, holidays: [], outOfOffice: [], managerId: null });
  return rep.id;
}

/** Stores a new lead, as the API's intake does. */
export async function storedLead(db: Kysely<Database>): Promise<LeadId> {
  const id = newId<LeadId>();
  await createLeadIntakeWriter(db).write({ id, intake: { email: 'l@x.io' }, receivedAt: new Date(), via: 'api' });
  return id;
}

let revision = 0;
/** The step that assigns a stored lead (version 0) to `repId`, its rep state at the next revision. */
export const assignment = (leadId: LeadId, repId: RepId): RoutingWrite => ({
  lead: {
    leadId,
    expectedVersion: 0,
    state: 'assigned' as const,
    ownerId: repId,
    teamId: null,
    waitingReason: null,
    snapshot: { value: 'assigned' },
    events: [{ id: newId(), type: 'lead.assigned', from: 'routing', to: 'assigned', cause: 'test', data: {}, traceId: null, at: new Date() }],
    assignment: { repId, teamId: null, decision: { summary: 'test' } as unknown as RoutingDecision, at: new Date() },
  },
  reps: [{ repId, state: 'available', activeLeads: 1, lastAssignedAt: 5000, lastAssignmentSeq: 1, revision: ++revision }],
});
