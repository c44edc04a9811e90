export { createTestDatabase, testDatabaseUrl, withSchema, type TestDatabase } from './test-database.ts';
export {
  availableBuses,
  deleteNamespaceStreams,
  startTestSwitchboard,
  type TestBus,
  type TestSwitchboard,
  type TestSwitchboardOptions,
} from './test-switchboard.ts';
export { eventually, http, type HttpOptions, type JsonResponse } from './http.ts';
export { bearer, TEST_ADMIN_KEY } from './test-keys.ts';
export { createTeamOfReps, mapConcurrent } from './fixtures.ts';
export { ManualScheduler } from '@switchboard/router';
export { freePort } from './free-port.ts';
export { openStream } from './event-stream.ts';
export {
  startFakeSalesforce,
  FakeOrg,
  to18,
  parseSoql,
  SoqlError,
  type FakeSalesforce,
  type FakeSalesforceOptions,
  type FakeObjectName,
  type FakeRecord,
  type FakeSaveError,
  type InjectedFailure,
} from './fake-salesforce/index.ts';
export { startTestIdentityProvider, type TestIdentityProvider } from './identity-provider.ts';
export { startTestSlackReceiver, startTestSmtpServer, type ReceivedMail } from './notification-receivers.ts';
export { icsTime, icsWithMeetings, startTestCalendarFeed, type TestCalendarFeed } from './calendar-feed.ts';
