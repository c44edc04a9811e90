import { SwitchboardError, ValidationError, type ValidationIssue } from '@switchboard/core';

/** The Salesforce configuration (environment variables) is invalid; each issue names the variable. */
export class SalesforceConfigError extends ValidationError {
  override name = 'SalesforceConfigError';
  constructor(issues: ReadonlyArray<ValidationIssue>, options?: { cause?: unknown }) {
    super(issues, options);
  }
}

/** The field mapping file could not be read or is invalid. */
export class SalesforceFieldMapError extends SwitchboardError {
  override name = 'SalesforceFieldMapError';
  /** The mapping file, if one was given. */
  readonly file: string | undefined;
  constructor(message: string, file: string | undefined, options?: { cause?: unknown }) {
    super(file ? `${file}: ${message}` : message, options);
    this.file = file;
  }
}

/**
 * A Salesforce call failed. `errorCode` is Salesforce's (`INVALID_SESSION_ID`,
 * `REQUEST_LIMIT_EXCEEDED`, `SERVER_UNAVAILABLE`, ...) or `ERROR_HTTP_<status>`;
 * `transient` says whether trying again later may succeed.
 */
export class SalesforceApiError extends SwitchboardError {
  override name = 'SalesforceApiError';
  readonly errorCode: string;
  readonly transient: boolean;
  constructor(message: string, errorCode: string, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.errorCode = errorCode;
    this.transient = transient;
  }
}

/** Salesforce error codes worth retrying: the request may succeed later as it is. */
const TRANSIENT_CODES = new Set([
  'SERVER_UNAVAILABLE',
  'REQUEST_LIMIT_EXCEEDED',
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
  'ERROR_HTTP_500',
  'ERROR_HTTP_502',
  'ERROR_HTTP_503',
  'ERROR_HTTP_504',
]);

/** True for a Salesforce status code that a later retry may get past. */
export function isTransientCode(code: string): boolean {
  return TRANSIENT_CODES.has(code);
}

/**
 * Translates what jsforce threw (an `HttpApiError` with `errorCode`, or a network error)
 * into a `SalesforceApiError`, keeping it as `cause`.
 */
export function toSalesforceApiError(error: unknown, what: string): SalesforceApiError {
  if (error instanceof SalesforceApiError) return error;
  const e = error as { errorCode?: unknown; message?: unknown; code?: unknown; name?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (typeof e?.errorCode === 'string') {
    return new SalesforceApiError(`${what}: ${e.errorCode}: ${message}`, e.errorCode, isTransientCode(e.errorCode), { cause: error });
  }
  // No Salesforce error code: the network (ECONNREFUSED, a reset, a timeout) — worth retrying.
  const code = typeof e?.code === 'string' ? e.code : 'NETWORK_ERROR';
  return new SalesforceApiError(`${what}: ${message}`, code, true, { cause: error });
}
