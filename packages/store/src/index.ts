export type * from './database.ts';
export { createDatabase, pingDatabase, type DatabaseOptions } from './connect.ts';
export { migrateToLatest } from './migrate.ts';
export { startEmbeddedPostgres, type EmbeddedPostgresOptions, type EmbeddedPostgresServer } from './embedded-postgres.ts';
export { createGroupCommitter, type GroupCommitter, type GroupCommitOptions, type BatchWriter } from './group-commit.ts';
export { createRepRepository, toRep, type RepRepository, type RepLiveState } from './rep-repository.ts';
export { createTeamRepository, upsertConfiguredTeams, type ConfiguredTeam, type TeamRepository } from './team-repository.ts';
export {
  createAccountRepository,
  type AccountRepository,
  type AccountImportResult,
  type AccountImportOptions,
} from './account-repository.ts';
export {
  createConfigVersionRepository,
  ConfigFormat,
  type ConfigVersionRepository,
  type ConfigVersion,
  type ConfigVersionSummary,
  type NewConfigVersion,
} from './config-version-repository.ts';
export {
  createInspectionRepository,
  type ActorRecord,
  type InspectionRepository,
  type LeadTimeline,
  type TransitionRecord,
} from './inspection-repository.ts';
export { createTeamShareLedgerRepository, type TeamShareLedgerRepository } from './team-share-ledger-repository.ts';
export { createReportRepository, type ReportRepository, type ReportPeriod, type FairnessRepRecord } from './report-repository.ts';
export {
  createLeadRepository,
  toLead,
  type LeadRepository,
  type LeadDetail,
  type LeadEventRecord,
  type AssignmentRecord,
  type LeadListQuery,
  type LeadPlaceRow,
  type OpenLead,
  type StoredLeadActor,
} from './lead-repository.ts';
export {
  createSalesforceRepository,
  type NewSalesforceAttention,
  type SalesforceAttentionRecord,
  type SalesforceLeadChange,
  type SalesforceLinkedLead,
  type SalesforceRepository,
  type SalesforceWatermark,
} from './salesforce-repository.ts';
export { createSalesforceBookingEventRepository, type SalesforceBookingEvent, type SalesforceBookingEventRepository } from './salesforce-booking-event-repository.ts';
export { createLeadIntakeWriter, type LeadIntakeWriter, type IntakeRecord, type IntakeResult } from './lead-intake-writer.ts';
export {
  createRoutingWriter,
  type RoutingWriter,
  type RoutingWrite,
  type RoutingWriteResult,
  type LeadTransition,
  type LeadEventInput,
  type TimerSet,
  type TimerClear,
} from './routing-writer.ts';
export * from './errors.ts';
export { acquireRouterLock, ROUTER_LEASE, type RouterLock, type RouterLockOptions } from './router-lock.ts';
export { joinRouterCluster, type PartitionLease, type RouterCluster, type RouterClusterOptions, type TakeRefusal } from './router-cluster.ts';
export {
  createEventLogRelayRepository,
  rebaseEventLogAfterRestore,
  type EventLogRelayRepository,
  type LoggedEvent,
  type RelayableEvent,
  type RelayCursor,
  UNPUBLISHED_EVENT_TYPES,
} from './event-log-relay-repository.ts';
export {
  createCredentialRepository,
  type ApiKeyRecord,
  type CredentialRepository,
  type KeyCheck,
  type KeyRefusal,
  type NewApiKey,
} from './api-key-repository.ts';
export {
  createIntakeSourceRepository,
  type IntakeSourceRecord,
  type IntakeSourceRepository,
  type IntakeSourceSecrets,
} from './intake-source-repository.ts';
export { createCalcomRepository, type CalcomRepository, type LeadPlacing } from './calcom-repository.ts';
export { createAuditLogRepository, type AuditEntry, type AuditLogRepository, type AuditQuery, type NewAuditEntry } from './audit-log-repository.ts';
export { eraseLeadPersonalData, leadsDueForErasure, tombstoneEmail, ERASED, type ErasureOutcome } from './personal-data.ts';
export {
  createNotificationRepository,
  NotificationChannel,
  NotificationStatus,
  type AttemptOutcome,
  type DeliveryAttempt,
  type NewWebhook,
  type Notification,
  type NotificationRepository,
  type PlannedNotification,
  type Webhook,
  type WebhookChange,
} from './notification-repository.ts';
export {
  createCalendarRepository,
  ROUTING_BUSY_HORIZON_MS,
  type CalendarReading,
  type CalendarRepository,
  type PollResult,
  type RepCalendar,
} from './calendar-repository.ts';
export {
  bookingTokenHash,
  createBookingRepository,
  type Booking,
  type BookingLink,
  type BookingRepository,
  type BookingView,
  type BookResult,
} from './booking-repository.ts';
