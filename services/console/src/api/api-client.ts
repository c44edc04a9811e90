import type {
  ConfigDiff,
  ConfigVersionSummary,
  CurrentConfig,
  FairnessReport,
  LeadDetail,
  LeadState,
  LeadSummary,
  Page,
  Rep,
  RoutingDecision,
  SlaReport,
  Team,
} from './types.ts';

/** One problem with what was sent: where (`path`, and for a document its `line` and `column`) and what. */
export interface ApiIssue {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** An error answer from the API (`{ error, message, errors }`), or a failure to reach it (`status` null). */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number | null;
  readonly code: string | null;
  /** Every problem of a 400 `validation_failed`, in the order the API gave them. */
  readonly issues: ReadonlyArray<ApiIssue>;
  constructor(message: string, status: number | null, code: string | null, options?: { cause?: unknown; issues?: ReadonlyArray<ApiIssue> }) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.issues = options?.issues ?? [];
  }
}

/** A body sent as it is, such as a YAML document. */
interface RawBody {
  readonly text: string;
  readonly contentType: string;
  readonly headers?: Record<string, string>;
}

/** Sent on `window` when the API answers 401: the console asks to sign in again. */
export const SIGNED_OUT_EVENT = 'switchboard:signed-out';

/** Who is signed in, and every `x-switchboard-role` they meet. */
export interface Principal {
  readonly name: string;
  readonly role: string;
  readonly repId: string | null;
  readonly allowed: ReadonlyArray<string>;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  return send<T>(method, path, body === undefined ? undefined : { text: JSON.stringify(body), contentType: 'application/json' });
}

async function send<T>(method: string, path: string, body: RawBody | undefined): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body && { 'content-type': body.contentType, ...body.headers }) },
      ...(body && { body: body.text }),
    });
  } catch (cause) {
    throw new ApiError('Could not reach the Switchboard API. Is the service running?', null, null, { cause });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    // The session ended (expired, signed out elsewhere, its key revoked): the app shows the sign-in.
    if (response.status === 401 && path !== '/v1/session') window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    const answer = parsed as { error?: string; message?: string; errors?: ApiIssue[] } | undefined;
    throw new ApiError(answer?.message ?? `${method} ${path} answered ${response.status}`, response.status, answer?.error ?? null, {
      issues: Array.isArray(answer?.errors) ? answer.errors : [],
    });
  }
  return parsed as T;
}

/** `?a=1&b=2` from the defined values, or the empty string. */
function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** One change in the audit log. */
export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly actorRole: string;
  readonly action: string;
  readonly targetKind: string;
  readonly targetId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

/** A notification sent (or being sent) about a lead, with each attempt. */
export interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly leadId: string | null;
  readonly channel: 'webhook' | 'slack' | 'email';
  readonly destination: string;
  readonly status: 'pending' | 'delivered' | 'dead';
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
  readonly lastError: string | null;
  readonly attempts: ReadonlyArray<{ readonly attempt: number; readonly startedAt: string; readonly durationMs: number; readonly statusCode: number | null; readonly error: string | null }>;
}

/** What `PUT /v1/config` did. */
export interface AppliedConfig {
  readonly version: number | null;
  readonly dryRun: boolean;
  readonly teams: number;
  readonly territories: number;
  readonly rules: number;
}

/** Filters of the lead list. */
export interface LeadFilter {
  readonly state?: LeadState | undefined;
  readonly owner?: string | undefined;
  readonly team?: string | undefined;
  readonly before?: string | undefined;
  readonly limit?: number | undefined;
}

/** The HTTP API, as the console uses it. Same origin: the API serves the console. */
export const api = {
  session: () => request<Principal>('GET', '/v1/session'),
  signIn: (key: string) => request<Principal>('POST', '/v1/session', { key }),
  signOut: () => request<void>('DELETE', '/v1/session'),
  audit: () => request<{ items: AuditEntry[] }>('GET', '/v1/audit?limit=200'),
  signInProviders: () => request<{ apiKey: true; oidc: { name: string; url: string } | null }>('GET', '/v1/session/providers'),
  reps: () => request<Page<Rep>>('GET', '/v1/reps?limit=1000'),
  setRepAvailable: (id: string, available: boolean) => request<Rep>('PATCH', `/v1/reps/${id}`, { available }),
  teams: () => request<Page<Team>>('GET', '/v1/teams'),
  leads: (filter: LeadFilter = {}) => request<Page<LeadSummary>>('GET', `/v1/leads${query({ limit: 50, ...filter })}`),
  lead: (id: string) => request<LeadDetail>('GET', `/v1/leads/${id}`),
  notifications: (leadId: string) => request<{ items: Delivery[] }>('GET', `/v1/notifications${query({ lead: leadId, limit: 100 })}`),
  decision: (id: string) => request<RoutingDecision>('GET', `/v1/leads/${id}/decision`),
  currentConfig: () => request<CurrentConfig>('GET', '/v1/config'),
  configVersions: () => request<Page<ConfigVersionSummary>>('GET', '/v1/config/versions'),
  configDiff: (from: number, to: number) => request<ConfigDiff>('GET', `/v1/config/diff${query({ from, to })}`),
  /** Checks (`dryRun`) or applies a YAML (or JSON) configuration document as written. */
  applyConfig: (text: string, options: { dryRun: boolean; author: string }) =>
    send<AppliedConfig>('PUT', `/v1/config${query({ dryRun: options.dryRun ? 'true' : undefined })}`, {
      text,
      contentType: 'application/yaml',
      headers: { 'sb-author': options.author },
    }),
  fairness: (p: { from: string; to: string; team?: string | undefined }) => request<FairnessReport>('GET', `/v1/reports/fairness${query(p)}`),
  sla: (p: { from: string; to: string }) => request<SlaReport>('GET', `/v1/reports/sla${query(p)}`),
};
