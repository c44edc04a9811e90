import { type Context, context, type Link, type Span, SpanKind, trace } from '@opentelemetry/api';
import { inSpan, startSpan } from './spans.ts';
import { tracingActive } from './tracing-state.ts';
import { contextOfHeaders, withTraceHeaders } from './trace-context.ts';
import { Attr, MessagingOperation } from './telemetry-names.ts';

/** Where a message goes, for the messaging attributes. */
export interface MessageDestination {
  /** `messaging.system`: `nats`, or `in_process` for the embedded bus. */
  readonly system: string;
  /** The subject (`messaging.destination.name`). */
  readonly subject: string;
  /**
   * The subject with its variable part as a wildcard (`sb.rep.*`), for span names that
   * stay few (`messaging.destination.template`). @default the subject
   */
  readonly template?: string;
}

/** The `messaging.system` of a bus kind. */
export function messagingSystemOf(busKind: 'nats' | 'in-process'): string {
  return busKind === 'nats' ? 'nats' : 'in_process';
}

const attributesOf = (destination: MessageDestination, operation: MessagingOperation) => ({
  [Attr.messagingSystem]: destination.system,
  [Attr.messagingDestination]: destination.subject,
  [Attr.messagingOperationType]: operation,
  [Attr.messagingOperationName]: operation,
  ...(destination.template !== undefined && { [Attr.messagingDestinationTemplate]: destination.template }),
});

/**
 * Starts the PRODUCER span of a message about to be sent, and answers the headers that
 * carry its context to the consumer (`headers` untouched when tracing is off). The caller
 * ends the span once the send is done.
 *
 * @example
 * const { span, headers } = startSendSpan({ system: 'nats', subject });
 * bus.publish(subject, data, { headers }).finally(() => span.end());
 */
export function startSendSpan(
  destination: MessageDestination,
  headers?: Readonly<Record<string, string>>,
  parent: Context = context.active(),
): { readonly span: Span; readonly headers: Readonly<Record<string, string>> | undefined } {
  const span = startSpan(`${MessagingOperation.send} ${destination.template ?? destination.subject}`, { kind: SpanKind.PRODUCER }, parent);
  if (!span.isRecording()) return { span, headers };
  span.setAttributes(attributesOf(destination, MessagingOperation.send));
  return { span, headers: withTraceHeaders(trace.setSpan(parent, span), headers) };
}

/**
 * Runs a message handler inside the CONSUMER span of the message: a child of the context
 * its headers carry (the producer's span), so the trace continues across the bus.
 */
export function inProcessSpan<T>(
  destination: MessageDestination,
  headers: Readonly<Record<string, string>>,
  work: (span: Span) => Promise<T> | T,
  links?: Link[],
): Promise<T> {
  if (!tracingActive()) return inSpan('', {}, undefined, work);
  return inSpan(
    `${MessagingOperation.process} ${destination.template ?? destination.subject}`,
    { kind: SpanKind.CONSUMER, attributes: attributesOf(destination, MessagingOperation.process), ...(links && { links }) },
    contextOfHeaders(headers),
    work,
  );
}
