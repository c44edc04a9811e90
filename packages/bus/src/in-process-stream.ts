import type { BusHeaders } from './bus.ts';
import type { StreamSettings } from './stream-settings.ts';
import { subjectMatches } from './subject-pattern.ts';

/** A message as an in-process stream stores it. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
  readonly storedAt: number;
}

/** The result of {@link InProcessStream.store}. */
export interface StoreResult {
  readonly seq: number;
  readonly duplicate: boolean;
}

/** The storage of one in-process stream: messages by seq, and the msgIds of its duplicate window. */
export interface InProcessStream {
  readonly name: string;
  readonly subjects: ReadonlyArray<string>;
  /** The seq of the last stored message; 0 while empty. */
  readonly lastSeq: number;
  /** Tells whether a publish to `subject` lands in this stream. */
  covers(subject: string): boolean;
  /** Stores a message, unless `msgId` was seen within the duplicate window. */
  store(subject: string, data: Uint8Array, headers: BusHeaders, msgId: string | undefined): StoreResult;
  /** The message at `seq`, or undefined once it is past `maxAgeMs`. */
  get(seq: number): StoredMessage | undefined;
  /** Replaces the stream's subjects (as a NATS stream update does). */
  setSubjects(subjects: ReadonlyArray<string>): void;
}

/** Creates an empty in-process stream. */
export function createInProcessStream(settings: StreamSettings, now: () => number = Date.now): InProcessStream {
  let subjects = settings.subjects;
  let lastSeq = 0;
  // Both maps are in insertion order, which is time order: trimming walks from the front.
  const messages = new Map<number, StoredMessage>();
  const msgIds = new Map<string, { readonly seq: number; readonly at: number }>();

  const trim = (at: number): void => {
    for (const [id, entry] of msgIds) {
      if (at - entry.at < settings.duplicateWindowMs) {
        break;
      }
      msgIds.delete(id);
    }
    for (const [seq, message] of messages) {
      if (at - message.storedAt < settings.maxAgeMs) {
        break;
      }
      messages.delete(seq);
    }
  };

  return {
    name: settings.name,
    get subjects() {
      return subjects;
    },
    get lastSeq() {
      return lastSeq;
    },
    covers: (subject) => subjects.some((pattern) => subjectMatches(pattern, subject)),
    store(subject, data, headers, msgId) {
      const at = now();
      trim(at);
      if (msgId !== undefined) {
        const seen = msgIds.get(msgId);
        if (seen !== undefined) {
          return { seq: seen.seq, duplicate: true };
        }
      }
      lastSeq += 1;
      // Copied so that a publisher reusing its buffer cannot change what was stored.
      messages.set(lastSeq, Object.freeze({ seq: lastSeq, subject, data: data.slice(), headers, storedAt: at }));
      if (msgId !== undefined) {
        msgIds.set(msgId, { seq: lastSeq, at });
      }
      return { seq: lastSeq, duplicate: false };
    },
    get(seq) {
      const message = messages.get(seq);
      if (message !== undefined && now() - message.storedAt >= settings.maxAgeMs) {
        return undefined;
      }
      return message;
    },
    setSubjects(next) {
      subjects = next;
    },
  };
}
