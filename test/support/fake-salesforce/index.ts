/** A local fake of the Salesforce REST API for the connector's tests (jsforce talks to it over HTTP). */
export { FAKE_OBJECTS, FakeOrg, to18, type FakeObjectName, type FakeRecord, type FakeSaveError } from './fake-org.ts';
export {
  startFakeSalesforce,
  type FakeConnectedApp,
  type FakeRequestLogEntry,
  type FakeSalesforce,
  type FakeSalesforceOptions,
  type InjectedFailure,
} from './fake-salesforce-server.ts';
export { parseSoql, SoqlError, type SoqlQuery } from './soql.ts';
