/**
 * `@switchboard/bus`: the message bus every Switchboard component talks through, with a
 * NATS JetStream implementation (production) and an in-process one (embedded mode, tests).
 */
export type {
  Bus,
  BusEvent,
  BusHeaders,
  BusMessage,
  BusSubscription,
  ConsumeOptions,
  PublishAck,
  PublishOptions,
  RequestOptions,
  StreamSpec,
} from './bus.ts';
export { createSubjects, type Subjects } from './subjects.ts';
export { connectNatsBus, type NatsBusOptions } from './nats-bus.ts';
export { createInProcessBus, type InProcessBusOptions } from './in-process-bus.ts';
export {
  BusClosedError,
  BusConnectionError,
  BusError,
  type BusErrorListener,
  BusTimeoutError,
  emitBusWarning,
  NoResponderError,
  NoStreamForSubjectError,
  StreamNotFoundError,
} from './errors.ts';
export { decodeJson, encodeJson } from './json-codec.ts';
export { SERVE_ERROR_HEADER } from './serve-error-reply.ts';
export { subjectMatches } from './subject-pattern.ts';
export {
  actorIdOf,
  inspectReplySchema,
  type InspectReply,
  type InspectRequest,
  inspectRequestSchema,
  leadCommandReplySchema,
  type LeadCommandReply,
  type AnnouncedBooking,
  bookingCommand,
  type LeadCommandRequest,
  leadCommandSchema,
  offerAnswerSchema,
  parseReply,
  policySyncSchema,
  repOfferSchema,
  type RepRequest,
  repRequestSchema,
  repSyncSchema,
  type SyncReply,
  syncReplySchema,
  teamSyncSchema,
} from './actor-messages.ts';
