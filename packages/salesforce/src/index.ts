/**
 * `@switchboard/salesforce`: the Salesforce connector (jsforce). It polls new and changed
 * Leads into Switchboard, writes each lead's owner back to `Lead.OwnerId`, turns Tasks,
 * Events and Status changes into touches, writes meetings booked through Switchboard as
 * Events on the lead, reads Accounts for account matching, and keeps within the org's API limits.
 */
export {
  DEFAULT_API_VERSION,
  redactedView,
  salesforceConfigFromEnv,
  salesforceEnabled,
  withRedaction,
  type SalesforceAuth,
  type SalesforceConfig,
} from './salesforce-config.ts';
export { defaultFieldMap, loadFieldMap, parseFieldMap, toLeadIntake, STATUS_ATTRIBUTE, type FieldMap } from './field-map.ts';
export { createApiLimits, LimitLevel, type ApiLimits, type ApiLimitsOptions, type ApiUsage } from './api-limits.ts';
export { connectSalesforce, jwtAssertion, type SalesforceClient, type SalesforceRecord, type SaveResult } from './salesforce-client.ts';
export {
  startSalesforceConnector,
  type SalesforceConnector,
  type SalesforceConnectorOptions,
  type SalesforcePollReport,
} from './salesforce-connector.ts';
export { websiteDomain, type AccountSyncReport } from './account-sync.ts';
export type { LeadPollReport } from './lead-ingest.ts';
export type { ActivityPollReport } from './activity-touches.ts';
export { BOOKED_MEETING_SUBJECT, BOOKING_SYNC_CURSOR, type BookingSyncReport } from './booking-event-sync.ts';
export { isSalesforceId, isSalesforceLeadId, isSalesforceUserId, soqlString } from './salesforce-id.ts';
export { isTransientCode, SalesforceApiError, SalesforceConfigError, SalesforceFieldMapError, toSalesforceApiError } from './errors.ts';
