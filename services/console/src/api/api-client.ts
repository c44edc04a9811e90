import type {
  BookedMeeting,
  BookingOffer,
  ConfigDiff,
  ConfigVersionSummary,
  CurrentConfig,
  FairnessReport,
  LeadDetail,
  LeadState,
  LeadSummary,
  OfferedSlot,
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
  /** The whole error answer, for the fields some answers add (a 409 of a booking: the slots still free). */
  readonly answer: unknown;
  constructor(message: string, status: number | null, code: string | null, options?: { cause?: unknown; issues?: ReadonlyArray<ApiIssue>; answer?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.issues = options?.issues ?? [];
    this.answer = options?.answer;
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

/**
 * How a call is made. `anonymous`: a public call (the booking page's, whose token is in the
 * path): no cookie goes with it, and a 401 is the call's own error, not the end of a session.
 */
interface CallOptions {
  readonly anonymous?: boolean;
}

async function request<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  return send<T>(method, path, body === undefined ? undefined : { text: JSON.stringify(body), contentType: 'application/json' }, options);
}

async function send<T>(method: string, path: string, body: RawBody | undefined, options: CallOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body && { 'content-type': body.contentType, ...body.headers }) },
      ...(body && { body: body.text }),
      ...(options.anonymous && { credentials: 'omit' as const }),
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
    if (response.status === 401 && path !== '/v1/session' && !options.anonymous) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    const answer = parsed as { error?: string; message?: string; errors?: ApiIssue[] } | undefined;
    throw new ApiError(answer?.message ?? `${method} ${path} answered ${response.status}`, response.status, answer?.error ?? null, {
      issues: Array.isArray(answer?.errors) ? answer.errors : [],
      answer: parsed,
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

/** What booking a slot came to: booked (or moved), or taken meanwhile with the slots still free. */
export type BookingAttempt =
  | { readonly kind: 'booked'; readonly booking: BookedMeeting }
  | { readonly kind: 'taken'; readonly message: string; readonly slots: ReadonlyArray<OfferedSlot> };

const bookingPath = (token: string) => `/v1/booking/${encodeURIComponent(token)}`;

/**
 * The prospect's side of instant booking, for the hosted booking page: public calls, whose
 * credential is the link's token. They send no cookie, so a prospect who happens to be signed
 * in to the console books as the prospect, and a refusal never signs anyone out.
 */
export const bookingApi = {
  /** The free slots, written in `timeZone`; 404 for an unknown token, 410 for an expired link or a closed lead. */
  offer: (token: string, timeZone: string) => request<BookingOffer>('GET', `${bookingPath(token)}/slots${query({ tz: timeZone })}`, undefined, { anonymous: true }),
  /** Books the slot starting at `start` (or moves the link's booking there). */
  book: async (token: string, start: string, timeZone: string): Promise<BookingAttempt> => {
    try {
      return { kind: 'booked', booking: await request<BookedMeeting>('POST', bookingPath(token), { start, timeZone }, { anonymous: true }) };
    } catch (error) {
      const slots = error instanceof ApiError && error.status === 409 ? (error.answer as { slots?: OfferedSlot[] } | undefined)?.slots : undefined;
      if (!Array.isArray(slots)) throw error;
      return { kind: 'taken', message: (error as ApiError).message, slots };
    }
  },
  /** Cancels the link's booking; the link stays good for booking again. */
  cancel: (token: string) => request<BookedMeeting>('DELETE', bookingPath(token), undefined, { anonymous: true }),
};
