import type { Migration } from 'kysely';
import * as initialSchema from './0001-initial-schema.ts';
import * as leadLifecycleAndTimers from './0002-lead-lifecycle-and-timers.ts';
import * as repEvents from './0003-rep-events.ts';
import * as routingPolicy from './0004-routing-policy.ts';
import * as assignmentsWithoutTeam from './0005-assignments-without-team.ts';
import * as openLeadsByEmail from './0006-open-leads-by-email.ts';
import * as leadTraceparent from './0007-lead-traceparent.ts';
import * as reportIndexes from './0008-report-indexes.ts';
import * as salesforce from './0009-salesforce.ts';
import * as oneOpenAssignmentPerLead from './0010-one-open-assignment-per-lead.ts';
import * as numericPriorityAndDeadLetters from './0011-numeric-priority-and-dead-letters.ts';
import * as eventRelay from './0012-event-relay.ts';
import * as routerLeases from './0013-router-leases.ts';
import * as routingTopology from './0014-routing-topology.ts';
import * as apiKeys from './0015-api-keys.ts';
import * as intakeSources from './0016-intake-sources.ts';
import * as auditLog from './0017-audit-log.ts';
import * as erasedLeads from './0018-erased-leads.ts';
import * as notifications from './0019-notifications.ts';
import * as calendarsAndBookings from './0020-calendars-and-bookings.ts';
import * as calcomDeliveries from './0021-calcom-deliveries.ts';
import * as salesforceBookingEvents from './0022-salesforce-booking-events.ts';

/**
 * Every migration, one file each, in order. Listed here rather than read from the
 * folder at run time so that they work the same under tsx, vitest and a bundle.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial-schema': initialSchema,
  '0002-lead-lifecycle-and-timers': leadLifecycleAndTimers,
  '0003-rep-events': repEvents,
  '0004-routing-policy': routingPolicy,
  '0005-assignments-without-team': assignmentsWithoutTeam,
  '0006-open-leads-by-email': openLeadsByEmail,
  '0007-lead-traceparent': leadTraceparent,
  '0008-report-indexes': reportIndexes,
  '0009-salesforce': salesforce,
  '0010-one-open-assignment-per-lead': oneOpenAssignmentPerLead,
  '0011-numeric-priority-and-dead-letters': numericPriorityAndDeadLetters,
  '0012-event-relay': eventRelay,
  '0013-router-leases': routerLeases,
  '0014-routing-topology': routingTopology,
  '0015-api-keys': apiKeys,
  '0016-intake-sources': intakeSources,
  '0017-audit-log': auditLog,
  '0018-erased-leads': erasedLeads,
  '0019-notifications': notifications,
  '0020-calendars-and-bookings': calendarsAndBookings,
  '0021-calcom-deliveries': calcomDeliveries,
  '0022-salesforce-booking-events': salesforceBookingEvents,
};
