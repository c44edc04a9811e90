import { type Bus, createSubjects, type PublishOptions } from '@switchboard/bus';
import type { LeadId, Logger } from '@switchboard/core';
import type { EventLogRelayRepository, RelayableEvent, RelayCursor } from '@switchboard/store';
import { describe, expect, it } from 'vitest';
import { createEventRelay } from '../src/event-relay.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;
const subjects = createSubjects('t');

/** An event log in memory, in commit order. */
function memoryLog(count: number) {
  const events: RelayableEvent[] = Array.from({ length: count }, (_, i) => ({
    cursor: { txid: String(100 + i), row: i + 1 },
    event: { id: `e${i}`, type: 'lead.assigned', version: 1, occurredAt: new Date(0).toISOString(), leadId: `l${i % 3}` as LeadId, data: {} },
  }));
  const saved: RelayCursor[] = [];
  const log: EventLogRelayRepository = {
    async cursor() {
      return saved.at(-1) ?? { txid: '0', row: 0 };
    },
    async readAfter(cursor, limit) {
      return events.filter((e) => BigInt(e.cursor.txid) > BigInt(cursor.txid) || (e.cursor.txid === cursor.txid && e.cursor.row > cursor.row)).slice(0, limit);
    },
    async saveCursor(_name, cursor) {
      saved.push(cursor);
    },
  };
  return { events, saved, log };
}

/** A bus that takes publishes while `up`, and refuses them otherwise. */
function flakyBus() {
  const published: string[] = [];
  const state = { up: true };
  const bus = {
    kind: 'in-process',
    async publish(_subject: string, _data: Uint8Array, options?: PublishOptions) {
      if (!state.up) throw new Error('connection closed');
      published.push(options?.msgId as string);
      return { stream: 't_EVENTS', seq: published.length, duplicate: false };
    },
  } as unknown as Bus;
  return { bus, published, state };
}

/** A bus that refuses the `failing`-th publish (a timeout) and takes every other. */
function busFailingOnce(failing: number) {
  const published: string[] = [];
  let calls = 0;
  const bus = {
    kind: 'in-process',
    async publish(_subject: string, _data: Uint8Array, options?: PublishOptions) {
      calls += 1;
      if (calls === failing) throw new Error('timeout');
      published.push(options?.msgId as string);
      return { stream: 't_EVENTS', seq: published.length, duplicate: false };
    },
  } as unknown as Bus;
  return { bus, published };
}

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

describe('event relay', () => {
  it('publishes the log in order, each event with its id as Nats-Msg-Id, and saves how far it got', async () => {
    const { log, saved } = memoryLog(7);
    const { bus, published } = flakyBus();
    const relay = createEventRelay({ log, bus, subjects, logger: silent, batchSize: 3, pollMs: 5 });
    await relay.start();
    await settle();
    await relay.stop();
    expect(published).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(saved.at(-1)).toEqual({ txid: '106', row: 7 });
  });

  it('keeps its place while the bus refuses, and resumes there once it takes events again, sending each once', async () => {
    const { log, saved } = memoryLog(5);
    const { bus, published, state } = flakyBus();
    state.up = false;
    const relay = createEventRelay({ log, bus, subjects, logger: silent, pollMs: 5, retryMs: 10 });
    await relay.start();
    await settle(50);
    expect(published).toEqual([]);
    expect(saved).toEqual([]);
    state.up = true;
    await settle(50);
    await relay.stop();
    expect(published).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('after a round the bus took only in part, moves its cursor past the taken ones only', async () => {
    const { log, saved } = memoryLog(4);
    // The third publish of the first round fails; everything after goes through.
    const { bus, published } = busFailingOnce(3);
    const relay = createEventRelay({ log, bus, subjects, logger: silent, pollMs: 5, retryMs: 5 });
    await relay.start();
    await settle(60);
    await relay.stop();
    // e3 went out in the failed round too; it is sent again (the stream drops the repeat by its id).
    expect(saved[0]).toEqual({ txid: '101', row: 2 });
    expect(published.slice(0, 3)).toEqual(['e0', 'e1', 'e3']);
    expect(published.slice(3)).toEqual(['e2', 'e3']);
    expect(saved.at(-1)).toEqual({ txid: '103', row: 4 });
  });

  it('resumes after a restart from the saved cursor, not from the start', async () => {
    const { log } = memoryLog(6);
    const first = flakyBus();
    const relay = createEventRelay({ log, bus: first.bus, subjects, logger: silent, pollMs: 5 });
    await relay.start();
    await settle();
    await relay.stop();
    const second = flakyBus();
    const again = createEventRelay({ log, bus: second.bus, subjects, logger: silent, pollMs: 5 });
    await again.start();
    await settle();
    await again.stop();
    expect(first.published).toHaveLength(6);
    expect(second.published).toEqual([]);
  });

  it('never publishes a lead’s later event while an earlier one of the same lead was refused', async () => {
    const { log, events } = memoryLog(2);
    // Both events of one lead.
    const sameLead = events.map((e) => ({ ...e, event: { ...e.event, leadId: 'l0' as LeadId } }));
    events.splice(0, 2, ...sameLead);
    const { bus, published } = busFailingOnce(1);
    const relay = createEventRelay({ log, bus, subjects, logger: silent, pollMs: 5, retryMs: 5 });
    await relay.start();
    await settle(60);
    await relay.stop();
    expect(published).toEqual(['e0', 'e1']);
  });
});
