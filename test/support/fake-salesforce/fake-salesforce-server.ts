import { createPublicKey, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeObjectName, FakeOrg, type FakeRecord, type FakeSaveError } from './fake-org.ts';
import { conditionFields, type FieldValue, matches, orderRecords, parseSoql, SoqlError } from './soql.ts';

/** The connected app the fake org trusts, for the OAuth flows. */
export interface FakeConnectedApp {
  readonly clientId: string;
  /** For the username-password flow. */
  readonly clientSecret?: string;
  /** PEM of the certificate's public key, for the JWT bearer flow. */
  readonly publicKeyPem?: string;
}

/** Options of `startFakeSalesforce`. */
export interface FakeSalesforceOptions {
  readonly connectedApp?: FakeConnectedApp;
  /** Records per query page (`nextRecordsUrl` beyond). Salesforce's default is 2,000; 200 here exercises paging. @default 200 */
  readonly queryPageSize?: number;
}

/** A failure the server answers instead of handling requests, for fault tests. */
export interface InjectedFailure {
  /** HTTP status. @default 503 */
  readonly status?: number;
  /** @default 'SERVER_UNAVAILABLE' */
  readonly errorCode?: string;
  readonly message?: string;
  /** Only requests this matches fail, e.g. `(m, p) => m === 'PATCH'`. @default every API request */
  readonly match?: (method: string, path: string) => boolean;
  /**
   * The request is carried out, and only its answer is the failure: Salesforce saved the record
   * but the caller never heard (a timeout, a dropped connection). @default false
   */
  readonly afterApplying?: boolean;
}

/** One request the server received. */
export interface FakeRequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
}

/** A running fake Salesforce. */
export interface FakeSalesforce {
  /** Base URL, e.g. `http://127.0.0.1:43121`: the instance URL and the login URL. */
  readonly url: string;
  readonly org: FakeOrg;
  /** Every request, in order. */
  readonly requests: FakeRequestLogEntry[];
  /** A valid access token for `SALESFORCE_ACCESS_TOKEN`, as a session of the org's integration user. */
  issueAccessToken(): string;
  /** Sets a user's password for the username-password flow (the user must exist and be active). */
  setPassword(username: string, password: string): void;
  /** Invalidates every session: the next API call answers 401 INVALID_SESSION_ID. */
  expireSessions(): void;
  /** The next `count` matching API requests fail with `failure`. */
  failNext(count: number, failure?: InjectedFailure): void;
  close(): Promise<void>;
}

const SF_DATETIME = (d: Date) => d.toISOString().replace('Z', '+0000');

function toJsonValue(value: FieldValue | undefined): unknown {
  return value instanceof Date ? SF_DATETIME(value) : (value ?? null);
}

/** Parses a JSON body value into a field value (ISO datetimes of known datetime fields become Dates). */
function fromJsonValue(field: string, value: unknown): FieldValue {
  if (typeof value === 'string' && /(Date|DateTime|Modstamp)$/.test(field) && !Number.isNaN(Date.parse(value))) return new Date(value);
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * Starts a local HTTP server speaking the parts of the Salesforce REST API that jsforce
 * uses, with Salesforce's response shapes and error formats:
 * - `POST /services/oauth2/token`: JWT bearer (`urn:ietf:params:oauth:grant-type:jwt-bearer`,
 *   RS256 checked against the connected app's key) and username-password grants;
 * - `GET /services/data/vXX.X/query?q=` (the SOQL subset of `soql.ts`) and `GET .../query/<locator>`
 *   for `nextRecordsUrl` paging;
 * - `POST /sobjects/<Type>/`, `GET`, `PATCH` and `DELETE /sobjects/<Type>/<Id>` (a deleted record
 *   goes to the Recycle Bin: then 404 `NOT_FOUND` to a GET, 404 `ENTITY_IS_DELETED` to a PATCH
 *   or DELETE);
 * - `POST` and `PATCH /composite/sobjects` (sObject Collections, up to 200 records, `allOrNone`);
 * - `GET /limits` (`DailyApiRequests`);
 * - the `Sforce-Limit-Info: api-usage=N/M` header on every API response; 403
 *   `REQUEST_LIMIT_EXCEEDED` past the limit; 401 `INVALID_SESSION_ID` for a bad token.
 *
 * No streaming (CometD) endpoint: the connector polls.
 */
export async function startFakeSalesforce(options: FakeSalesforceOptions = {}): Promise<FakeSalesforce> {
  const org = new FakeOrg();
  const pageSize = options.queryPageSize ?? 200;
  const sessions = new Map<string, string>();
  const cursors = new Map<string, { readonly rows: unknown[]; readonly version: string }>();
  const failures: Array<InjectedFailure & { remaining: number }> = [];
  const requests: FakeRequestLogEntry[] = [];
  const passwords = new Map<string, string>();
  const publicKey: KeyObject | undefined = options.connectedApp?.publicKeyPem ? createPublicKey(options.connectedApp.publicKeyPem) : undefined;
  let url = '';

  const issue = (userId: string): string => {
    // Salesforce access tokens are the org id, "!", and an opaque part.
    const token = `${org.orgId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    sessions.set(token, userId);
    return token;
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(body !== undefined && { 'content-type': 'application/json;charset=UTF-8' }), ...headers });
    res.end(text);
  };
  const apiError = (errorCode: string, message: string, fields?: ReadonlyArray<string>) => [{ message, errorCode, ...(fields && { fields }) }];

  const recordJson = (object: FakeObjectName, record: FakeRecord, version: string, fields?: ReadonlyArray<string>) => {
    const out: Record<string, unknown> = { attributes: { type: object, url: `/services/data/${version}/sobjects/${object}/${String(record.Id)}` } };
    for (const f of fields ?? org.fieldsOf(object)) out[f] = toJsonValue(record[f]);
    return out;
  };

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const params = new URLSearchParams(await readBody(req));
    const grant = params.get('grant_type');
    const app = options.connectedApp;
    const tokenResponse = (userId: string) => ({
      access_token: issue(userId),
      scope: 'api',
      instance_url: url,
      id: `${url}/id/${org.orgId}/${userId}`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    });
    const user = (username: string | null) => org.all('User').find((u) => u.Username === username && u.IsActive === true);
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const assertion = params.get('assertion') ?? '';
      const [header, payload, signature] = assertion.split('.');
      if (!header || !payload || !signature || !publicKey) return send(res, 400, { error: 'invalid_grant', error_description: 'invalid assertion' });
      const verifier = createVerify('RSA-SHA256');
      verifier.update(`${header}.${payload}`);
      if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) {
        return send(res, 400, { error: 'invalid_grant', error_description: 'invalid assertion' });
      }
      let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
      } catch {
        return send(res, 400, { error: 'invalid_grant', error_description: 'invalid assertion' });
      }
      if (claims.iss !== app?.clientId) return send(res, 400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
      if (!claims.exp || claims.exp * 1000 < Date.now()) return send(res, 400, { error: 'invalid_grant', error_description: 'expired authorization code' });
      if (claims.aud !== url && !/^https:\/\/(login|test)\.salesforce\.com$/.test(claims.aud ?? '')) {
        return send(res, 400, { error: 'invalid_grant', error_description: 'audience is invalid' });
      }
      const found = user(claims.sub ?? null);
      if (!found) return send(res, 400, { error: 'invalid_grant', error_description: 'user hasn\u2019t approved this consumer' });
      return send(res, 200, tokenResponse(String(found.Id)));
    }
    if (grant === 'password') {
      if (params.get('client_id') !== app?.clientId || !app?.clientSecret || params.get('client_secret') !== app.clientSecret) {
        return send(res, 400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
      }
      const found = user(params.get('username'));
      if (!found || passwords.get(String(found.Username)) !== params.get('password')) {
        return send(res, 400, { error: 'invalid_grant', error_description: 'authentication failure' });
      }
      return send(res, 200, { ...tokenResponse(String(found.Id)), signature: randomBytes(32).toString('base64') });
    }
    return send(res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  };

  const query = (version: string, soql: string): unknown => {
    const parsed = parseSoql(soql);
    const object = org.canonicalObject(parsed.object);
    if (!object) throw new SoqlError('INVALID_TYPE', `sObject type '${parsed.object}' is not supported.`);
    const field = (name: string) => {
      const canonical = org.canonicalField(object, name);
      if (!canonical) throw new SoqlError('INVALID_FIELD', `No such column '${name}' on entity '${object}'.`);
      return canonical;
    };
    const fields = parsed.fields.map(field);
    for (const f of [...conditionFields(parsed.where), ...parsed.orderBy.map((o) => o.field)]) field(f);
    let rows = org.all(object).filter((r) => !parsed.where || matches(parsed.where, r, field));
    rows = orderRecords(rows, parsed.orderBy, field);
    if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
    return page(version, rows.map((r) => recordJson(object, r, version, fields)), 0);
  };

  const page = (version: string, rows: unknown[], offset: number) => {
    const slice = rows.slice(offset, offset + pageSize);
    const done = offset + pageSize >= rows.length;
    let nextRecordsUrl: string | undefined;
    if (!done) {
      const id = `01g8d${randomBytes(5).toString('hex').slice(0, 10)}`;
      cursors.set(id, { rows, version });
      nextRecordsUrl = `/services/data/${version}/query/${id}-${offset + pageSize}`;
    }
    return { totalSize: rows.length, done, ...(nextRecordsUrl && { nextRecordsUrl }), records: slice };
  };

  const saveResult = (id: string | undefined, errors: ReadonlyArray<FakeSaveError>) =>
    errors.length === 0 ? { id, success: true, errors: [] } : { success: false, errors };

  const collections = (method: string, version: string, body: { allOrNone?: boolean; records?: Array<Record<string, unknown>> }) => {
    const records = body.records ?? [];
    if (records.length > 200) return { status: 400, body: apiError('EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call') };
    const results: unknown[] = [];
    const applied: Array<() => void> = [];
    let failed = false;
    for (const input of records) {
      const { attributes, id, Id, ...values } = input as { attributes?: { type?: string }; id?: string; Id?: string } & Record<string, unknown>;
      const object = org.canonicalObject(attributes?.type ?? '');
      if (!object) {
        results.push(saveResult(undefined, [{ statusCode: 'INVALID_TYPE', message: 'sObject type is missing or not supported', fields: [] }]));
        failed = true;
        continue;
      }
      const fieldValues = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fromJsonValue(k, v)]));
      try {
        if (method === 'POST') {
          if (id ?? Id) throw [{ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] }];
          const created = org.create(object, fieldValues);
          results.push(saveResult(created.Id as string, []));
          applied.push(() => undefined);
        } else {
          const recordId = String(id ?? Id ?? '');
          if (!org.get(object, recordId)) throw [{ statusCode: 'MALFORMED_ID', message: `${object} ID: id value of incorrect type: ${recordId}`, fields: ['Id'] }];
          // Applied at once and undone if allOrNone fails the request (creates are not undone: the connector only updates).
          const before = { ...(org.get(object, recordId) as FakeRecord) };
          org.update(object, recordId, fieldValues);
          const after = org.get(object, recordId) as FakeRecord;
          applied.push(() => Object.assign(after, before));
          results.push(saveResult(String(after.Id), []));
        }
      } catch (errors) {
        failed = true;
        results.push(saveResult(undefined, Array.isArray(errors) ? (errors as FakeSaveError[]) : [{ statusCode: 'UNKNOWN_EXCEPTION', message: String(errors), fields: [] }]));
        applied.push(() => undefined);
      }
    }
    if (body.allOrNone && failed) {
      for (const undo of applied) undo();
      return {
        status: 200,
        body: results.map((r) =>
          (r as { success: boolean }).success
            ? { success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }] }
            : r,
        ),
      };
    }
    void version;
    return { status: 200, body: results };
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string, search: URLSearchParams): Promise<number> => {
    const method = req.method ?? 'GET';
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!sessions.has(token)) {
      send(res, 401, apiError('INVALID_SESSION_ID', 'Session expired or invalid'));
      return 401;
    }
    const failure = failures.find((f) => f.remaining > 0 && (!f.match || f.match(method, path)));
    if (failure) failure.remaining--;
    const late = failure?.afterApplying ? failure : undefined;
    if (failure && !late) {
      const status = failure.status ?? 503;
      send(res, status, apiError(failure.errorCode ?? 'SERVER_UNAVAILABLE', failure.message ?? 'Server temporarily unavailable, please try again later'));
      return status;
    }
    if (org.apiUsage.used >= org.apiUsage.limit) {
      send(res, 403, apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), { 'Sforce-Limit-Info': `api-usage=${org.apiUsage.used}/${org.apiUsage.limit}` });
      return 403;
    }
    org.apiUsage.used++;
    const limitHeader = { 'Sforce-Limit-Info': `api-usage=${org.apiUsage.used}/${org.apiUsage.limit}` };
    const reply = (status: number, body: unknown) => {
      if (late) {
        const failed = late.status ?? 503;
        send(res, failed, apiError(late.errorCode ?? 'SERVER_UNAVAILABLE', late.message ?? 'Server temporarily unavailable, please try again later'));
        return failed;
      }
      send(res, status, body, limitHeader);
      return status;
    };
    const match = /^\/services\/data\/(v\d+\.\d)(\/.*)?$/.exec(path);
    if (!match) return reply(404, apiError('NOT_FOUND', 'The requested resource does not exist'));
    const version = match[1] as string;
    const rest = match[2] ?? '/';
    try {
      if (method === 'GET' && rest === '/query') return reply(200, query(version, search.get('q') ?? ''));
      const more = /^\/query\/(01g[A-Za-z0-9]+)-(\d+)$/.exec(rest);
      if (method === 'GET' && more) {
        const cursor = cursors.get(more[1] as string);
        if (!cursor) return reply(400, apiError('INVALID_QUERY_LOCATOR', 'invalid query locator'));
        return reply(200, page(version, cursor.rows, Number(more[2])));
      }
      if (method === 'GET' && rest === '/limits') {
        return reply(200, { DailyApiRequests: { Max: org.apiUsage.limit, Remaining: Math.max(0, org.apiUsage.limit - org.apiUsage.used) } });
      }
      if (rest === '/composite/sobjects' && (method === 'PATCH' || method === 'POST')) {
        const body = JSON.parse((await readBody(req)) || '{}') as Parameters<typeof collections>[2];
        const result = collections(method, version, body);
        return reply(result.status, result.body);
      }
      const sobject = /^\/sobjects\/([A-Za-z0-9_]+)\/?([A-Za-z0-9]{15,18})?$/.exec(rest);
      if (sobject) {
        const object = org.canonicalObject(sobject[1] as string);
        if (!object) return reply(404, apiError('NOT_FOUND', 'The requested resource does not exist'));
        const id = sobject[2];
        if (method === 'POST' && !id) {
          const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
          try {
            const created = org.create(object, Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fromJsonValue(k, v)])));
            return reply(201, { id: created.Id, success: true, errors: [] });
          } catch (errors) {
            return reply(400, (errors as FakeSaveError[]).map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
          }
        }
        if (id && (method === 'GET' || method === 'PATCH' || method === 'DELETE')) {
          const record = org.get(object, id);
          if (!record && method !== 'GET' && org.isDeleted(id)) return reply(404, apiError('ENTITY_IS_DELETED', 'entity is deleted'));
          if (!record) return reply(404, apiError('NOT_FOUND', 'The requested resource does not exist'));
          if (method === 'GET') return reply(200, recordJson(object, record, version));
          if (method === 'DELETE') {
            org.delete(object, id);
            return reply(204, undefined);
          }
          const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
          try {
            org.update(object, id, Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fromJsonValue(k, v)])));
            return reply(204, undefined);
          } catch (errors) {
            return reply(400, (errors as FakeSaveError[]).map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
          }
        }
      }
      return reply(404, apiError('NOT_FOUND', 'The requested resource does not exist'));
    } catch (error) {
      if (error instanceof SoqlError) return reply(400, apiError(error.errorCode, error.message));
      if (error instanceof SyntaxError) return reply(400, apiError('JSON_PARSER_ERROR', error.message));
      throw error;
    }
  };

  const server: Server = createServer((req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const done = (status: number) => requests.push({ method, path: parsed.pathname, query: parsed.search, status });
    const handle = async (): Promise<number> => {
      if (method === 'POST' && parsed.pathname === '/services/oauth2/token') {
        await tokenEndpoint(req, res);
        return res.statusCode;
      }
      return api(req, res, parsed.pathname, parsed.searchParams);
    };
    handle().then(done, (error: unknown) => {
      send(res, 500, apiError('UNKNOWN_EXCEPTION', `An unexpected error occurred: ${(error as Error).message}`));
      done(500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    org,
    requests,
    issueAccessToken: () => issue(org.defaultOwnerId()),
    setPassword: (username, password) => {
      passwords.set(username, password);
    },
    expireSessions: () => sessions.clear(),
    failNext: (count, failure = {}) => {
      failures.push({ ...failure, remaining: count });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
