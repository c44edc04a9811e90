import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** jsonb: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;
/** jsonb with a column default: optional on insert. */
type JsonWithDefault<T> = ColumnType<T, string | undefined, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface RepsTable {
  id: string;
  name: string;
  email: string;
  timezone: string;
  weight: number;
  cap: number | null;
  tags: Json<string[]>;
  /** The manual availability toggle. */
  available: boolean;
  /** The rep actor's state (written by the router). */
  state: string;
  active_leads: Generated<number>;
  last_assigned_at: Date | null;
  last_assignment_seq: number | null;
  active: Generated<boolean>;
  caps: JsonWithDefault<{ hour?: number; day?: number; week?: number }>;
  working_hours: Json<unknown> | null;
  holidays: JsonWithDefault<string[]>;
  out_of_office: JsonWithDefault<Array<{ from: string; to: string; reason?: string }>>;
  away_reason: string | null;
  /** Busy time, calendars and bookings merged: `[{ start, end }]` in epoch ms. */
  busy: JsonWithDefault<Array<{ start: number; end: number }>>;
  manager_id: string | null;
  /** The Salesforce User this rep is (15 or 18 characters); else matched by email. */
  salesforce_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The rep actor's persisted context (counters), written by the router. */
  snapshot: Json<unknown> | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TeamsTable {
  id: string;
  name: string;
  strategy: string;
  sla: Json<unknown> | null;
  /** Creation order; the first team is the default one. */
  position: Generated<number>;
  /** Name of the team tried when nobody in this one can take a lead. */
  fallback: string | null;
  /** Name of the queue a lead waits in when neither this team nor its fallbacks can take it. */
  overflow: string | null;
  /** The window `load_balanced` counts assignments in: `day`, `week` or `month`. */
  load_window: Generated<string>;
  /** `skip` or `allow`: whether reps in a meeting take the team's leads. */
  busy: Generated<string>;
  /** The team's booking policy (durations in ms), or null: no booking. */
  booking: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface TeamMembersTable {
  team_id: string;
  rep_id: string;
  position: number;
}

export interface LeadsTable {
  id: string;
  external_id: string | null;
  email: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  source: string | null;
  requested_team: string | null;
  attributes: Json<Record<string, string | number | boolean | null>>;
  state: string;
  owner_id: string | null;
  team_id: string | null;
  waiting_reason: string | null;
  /** The configured priority field's value (any finite number): orders the waiting line. */
  priority: Generated<number>;
  /** Set when the lead's routing outcome could not be stored: why it was dead-lettered. */
  dead_letter_reason: ColumnType<string | null, string | null | undefined, string | null>;
  sla_deadline_at: Date | null;
  breaches: Generated<number>;
  outcome: string | null;
  /** The lead actor's persisted XState snapshot. */
  snapshot: Json<unknown> | null;
  version: Generated<number>;
  /** The trace id of the lead's trace (32 hex digits). */
  trace_id: string | null;
  /** W3C `traceparent` of the lead's first routing step: later steps continue its trace. */
  traceparent: string | null;
  /** When its personal data was erased (a request, or the retention policy). */
  erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AssignmentsTable {
  id: Generated<number>;
  lead_id: string;
  rep_id: string;
  /** Null when the rep was chosen by name or as account owner outside any team. */
  team_id: string | null;
  decision: Json<unknown>;
  assigned_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
}

export interface RepEventsTable {
  id: Generated<number>;
  rep_id: string;
  from_state: string | null;
  to_state: string;
  cause: string;
  active_leads: number;
  occurred_at: Date;
}

export interface TimersTable {
  actor_kind: string;
  actor_id: string;
  kind: string;
  due_at: Date;
  payload: Json<unknown>;
}

export interface LeadEventsTable {
  id: Generated<number>;
  event_id: string;
  lead_id: string;
  type: string;
  from_state: string | null;
  to_state: string | null;
  cause: string;
  data: Json<unknown>;
  trace_id: string | null;
  occurred_at: Date;
  /** The writing transaction's id (xid8, as text): the relay's order; see migration 0012. */
  txid: Generated<string>;
}

export interface EventRelayCursorsTable {
  name: string;
  /** The transaction id (xid8, as text) and row id of the last event published. */
  txid: string;
  event_row: number;
  updated_at: UpdatedAt;
}

export interface AccountsTable {
  id: string;
  name: string;
  /** The name as core's `normaliseCompanyName` gives it. */
  normalized_name: string;
  /** Lower-case hostnames; one domain belongs to one account. */
  domains: ColumnType<string[], string[] | undefined, string[]>;
  owner_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ConfigVersionsTable {
  version: number;
  /** The validated routing configuration. */
  document: Json<unknown>;
  /** The text as submitted (comments and all). */
  source: string;
  format: 'yaml' | 'json';
  author: string;
  comment: string | null;
  /** Set on a version made by a rollback: the earlier version whose configuration it restored. */
  rolled_back_from: number | null;
  created_at: CreatedAt;
}

export interface TeamShareLedgersTable {
  team_id: string;
  /** Smooth weighted round robin's credit per rep id. */
  credits: Json<Record<string, number>>;
  updated_at: UpdatedAt;
}

export interface SalesforceSyncStateTable {
  /** The polled object: `Lead`, `Task`, `Event`, `Account`. */
  object: string;
  watermark_at: Date | null;
  watermark_id: string | null;
  updated_at: UpdatedAt;
}

export interface SalesforceAttentionTable {
  id: Generated<number>;
  lead_id: string;
  /** The Salesforce Lead Id. */
  salesforce_id: string;
  rep_id: string | null;
  salesforce_user_id: string | null;
  /** Salesforce's `statusCode`/`errorCode`, e.g. `FIELD_CUSTOM_VALIDATION_EXCEPTION`. */
  error_code: string;
  message: string;
  fields: JsonWithDefault<string[]>;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  resolved_at: Date | null;
}

/** The whole schema, as Kysely sees it. */
export interface Database {
  reps: RepsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  leads: LeadsTable;
  assignments: AssignmentsTable;
  lead_events: LeadEventsTable;
  event_relay_cursors: EventRelayCursorsTable;
  timers: TimersTable;
  rep_events: RepEventsTable;
  accounts: AccountsTable;
  config_versions: ConfigVersionsTable;
  team_share_ledgers: TeamShareLedgersTable;
  salesforce_sync_state: SalesforceSyncStateTable;
  salesforce_attention: SalesforceAttentionTable;
  api_keys: ApiKeysTable;
  console_sessions: ConsoleSessionsTable;
  intake_sources: IntakeSourcesTable;
  intake_signatures: IntakeSignaturesTable;
  audit_log: AuditLogTable;
  webhooks: WebhooksTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  rep_calendars: RepCalendarsTable;
  booking_links: BookingLinksTable;
  bookings: BookingsTable;
  salesforce_booking_events: SalesforceBookingEventsTable;
}

export interface RepCalendarsTable {
  id: string;
  rep_id: string;
  position: number;
  /** `ics` or `caldav`. */
  kind: string;
  url: string;
  username: string | null;
  password: string | null;
  etag: string | null;
  last_modified: string | null;
  busy: JsonWithDefault<Array<{ start: number; end: number }>>;
  synced_at: Date | null;
  /** When the calendar was last read whole (not answered 304): busy time is read up to a horizon from then. */
  read_at: Date | null;
  error: string | null;
  failing_since: Date | null;
  next_poll_at: ColumnType<Date, Date | string | undefined, Date | string>;
  leased_until: Date | null;
  created_at: CreatedAt;
}

export interface BookingLinksTable {
  id: string;
  lead_id: string;
  token_hash: string;
  team_id: string | null;
  expires_at: Date;
  created_by: string;
  created_at: CreatedAt;
}

/** The Salesforce Event of a meeting booked through Switchboard (migration 0022). */
export interface SalesforceBookingEventsTable {
  /** The booking the Event shows now; a reschedule moves the row to the new booking. */
  booking_id: string;
  lead_id: string;
  /** Null while the Event is being created. */
  salesforce_event_id: string | null;
  error: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | null;
}

export interface BookingsTable {
  id: string;
  link_id: string;
  lead_id: string;
  rep_id: string;
  start_at: Date;
  end_at: Date;
  time_zone: string;
  status: Generated<string>;
  sequence: Generated<number>;
  replaces: string | null;
  /** What the lead's actor has been told: null (nothing yet), `booked` or `cancelled`. */
  announced: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  cancelled_at: Date | null;
}

export interface WebhooksTable {
  id: string;
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  active: Generated<boolean>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface NotificationsTable {
  id: string;
  event_id: string;
  event_type: string;
  lead_id: string | null;
  channel: string;
  destination: string;
  webhook_id: string | null;
  payload: unknown;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  leased_until: Date | null;
  give_up_at: Date;
  created_at: Generated<Date>;
  delivered_at: Date | null;
  last_error: string | null;
}

export interface NotificationAttemptsTable {
  notification_id: string;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor: string;
  actor_role: string;
  action: string;
  target_kind: string;
  target_id: string | null;
  status: number;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

export interface IntakeSourcesTable {
  name: string;
  secret: string;
  previous_secret: string | null;
  previous_valid_until: Date | null;
  created_by: string;
  created_at: Generated<Date>;
  rotated_at: Date | null;
}

export interface IntakeSignaturesTable {
  source: string;
  signature: string;
  seen_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  rep_id: string | null;
  secret_hash: string;
  created_by: string;
  created_at: Generated<Date>;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface ConsoleSessionsTable {
  token_hash: string;
  name: string;
  role: string;
  rep_id: string | null;
  key_id: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
}

export type RepRow = Selectable<RepsTable>;
export type TeamRow = Selectable<TeamsTable>;
export type LeadRow = Selectable<LeadsTable>;
export type NewLeadRow = Insertable<LeadsTable>;
export type LeadEventRow = Selectable<LeadEventsTable>;
export type NewLeadEventRow = Insertable<LeadEventsTable>;
export type AccountRow = Selectable<AccountsTable>;
export type ConfigVersionRow = Selectable<ConfigVersionsTable>;
