import { createSign } from 'node:crypto';
import type { Logger } from '@switchboard/core';
import { Connection, type QueryResult } from 'jsforce';
import type { ApiLimits } from './api-limits.ts';
import { isTransientCode, SalesforceApiError, toSalesforceApiError } from './errors.ts';
import type { SalesforceAuth, SalesforceConfig } from './salesforce-config.ts';

/** A record as the REST API returns it. */
export type SalesforceRecord = Record<string, unknown> & { readonly Id: string };

/** One entry of an sObject Collections answer. */
export interface SaveResult {
  readonly id?: string;
  readonly success: boolean;
  readonly errors: ReadonlyArray<{ readonly statusCode: string; readonly message: string; readonly fields?: ReadonlyArray<string> }>;
}

/** The calls the connector makes, on one signed-in jsforce connection. */
export interface SalesforceClient {
  /** Runs a SOQL query and hands over each page (following `nextRecordsUrl`) in order. */
  queryPages(soql: string, onPage: (records: SalesforceRecord[]) => Promise<void>): Promise<void>;
  /** Every record of a query. */
  queryAll(soql: string): Promise<SalesforceRecord[]>;
  /** Updates up to 200 records in one sObject Collections call (`allOrNone: false`); one result per record, in order. */
  updateCollection(type: string, records: ReadonlyArray<Record<string, unknown> & { Id: string }>): Promise<SaveResult[]>;
  /** Creates one record (`POST /sobjects/<type>`) and answers its Id; a refusal throws `SalesforceApiError`. */
  create(type: string, record: Readonly<Record<string, unknown>>): Promise<string>;
  /** Updates one record (`PATCH /sobjects/<type>/<Id>`); a refusal throws `SalesforceApiError`. */
  update(type: string, record: Readonly<Record<string, unknown>> & { readonly Id: string }): Promise<void>;
  /** Deletes one record (`DELETE /sobjects/<type>/<Id>`: to the Recycle Bin); a refusal throws `SalesforceApiError`. */
  destroy(type: string, id: string): Promise<void>;
  /** The jsforce connection, for what the client does not wrap. */
  readonly connection: Connection;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A signed JWT bearer assertion (RS256), valid for three minutes. */
export function jwtAssertion(auth: Extract<SalesforceAuth, { kind: 'jwt' }>, now = Date.now()): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: auth.clientId, sub: auth.username, aud: auth.loginUrl, exp: Math.floor(now / 1000) + 180 })}`;
  const signature = createSign('RSA-SHA256').update(body).sign(auth.privateKey).toString('base64url');
  return `${body}.${signature}`;
}

/**
 * Signs in with the configured method and answers a client. A JWT session is renewed by
 * jsforce when Salesforce answers 401 (`INVALID_SESSION_ID`); so is a username-password one.
 * An access token is used as it is.
 */
export async function connectSalesforce(config: SalesforceConfig, limits: ApiLimits, logger: Logger): Promise<SalesforceClient> {
  const { auth } = config;
  let connection: Connection;
  switch (auth.kind) {
    case 'access_token':
      connection = new Connection({ instanceUrl: config.instanceUrl, accessToken: auth.accessToken, version: config.apiVersion });
      break;
    case 'jwt': {
      connection = new Connection({
        instanceUrl: config.instanceUrl,
        loginUrl: auth.loginUrl,
        version: config.apiVersion,
        refreshFn: (conn, callback) => {
          conn.oauth2
            .requestToken({ grant_type: JWT_BEARER, assertion: jwtAssertion(auth) })
            .then((res) => callback(undefined, res.access_token, res))
            .catch((error: unknown) => callback(error as Error));
        },
      });
      await connection.authorize({ grant_type: JWT_BEARER, assertion: jwtAssertion(auth) }).catch((error: unknown) => {
        throw toSalesforceApiError(error, 'JWT bearer sign-in failed');
      });
      break;
    }
    case 'password':
      connection = new Connection({
        instanceUrl: config.instanceUrl,
        loginUrl: auth.loginUrl,
        version: config.apiVersion,
        oauth2: { clientId: auth.clientId, clientSecret: auth.clientSecret, loginUrl: auth.loginUrl },
      });
      await connection.login(auth.username, auth.password).catch((error: unknown) => {
        throw toSalesforceApiError(error, 'username-password sign-in failed');
      });
      break;
  }
  logger.info({ instanceUrl: connection.instanceUrl, apiVersion: config.apiVersion, auth: auth.kind }, 'connected to Salesforce');
  return createClient(connection, limits);
}

function createClient(connection: Connection, limits: ApiLimits): SalesforceClient {
  // jsforce reads Sforce-Limit-Info from every response into conn.limitInfo.
  const observe = () => limits.observe(connection.limitInfo?.apiUsage);
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toSalesforceApiError(error, what);
    } finally {
      observe();
    }
  };
  const queryPages = async (soql: string, onPage: (records: SalesforceRecord[]) => Promise<void>) => {
    // jsforce's Query is a thenable, not a Promise: await it to get the page.
    let page: QueryResult<SalesforceRecord> = await call('query', async () => await connection.query<SalesforceRecord>(soql, { autoFetch: false }));
    await onPage(page.records);
    while (!page.done && page.nextRecordsUrl) {
      const next = page.nextRecordsUrl;
      page = await call('queryMore', async () => await connection.queryMore<SalesforceRecord>(next));
      await onPage(page.records);
    }
  };
  return {
    connection,
    queryPages,
    async queryAll(soql) {
      const all: SalesforceRecord[] = [];
      await queryPages(soql, async (records) => {
        all.push(...records);
      });
      return all;
    },
    async updateCollection(type, records) {
      if (records.length > 200) throw new RangeError(`an sObject Collections call takes at most 200 records, not ${records.length}`);
      const results = await call(`updating ${records.length} ${type} record(s)`, () =>
        connection.sobject(type).update(records as Array<{ Id: string }>, { allOrNone: false }),
      );
      return results as unknown as SaveResult[];
    },
    async create(type, record) {
      const result = await call(`creating a ${type}`, () => connection.sobject(type).create({ ...record }));
      if (!result.success || !result.id) throw refused(`creating a ${type}`, result as unknown as SaveResult);
      return result.id;
    },
    async update(type, record) {
      const result = await call(`updating ${type} ${record.Id}`, () => connection.sobject(type).update({ ...record }));
      if (!result.success) throw refused(`updating ${type} ${record.Id}`, result as unknown as SaveResult);
    },
    async destroy(type, id) {
      const result = await call(`deleting ${type} ${id}`, () => connection.sobject(type).destroy(id));
      if (!result.success) throw refused(`deleting ${type} ${id}`, result as unknown as SaveResult);
    },
  };
}

/** A save result that failed without an HTTP error (jsforce answers some that way), as the error the call would have thrown. */
function refused(what: string, result: SaveResult): SalesforceApiError {
  const first = result.errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'Salesforce refused the record without saying why' };
  return new SalesforceApiError(`${what}: ${first.statusCode}: ${first.message}`, first.statusCode, isTransientCode(first.statusCode));
}
