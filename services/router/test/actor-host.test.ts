import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../src/manual-scheduler.ts';
import { ActorHost } from '../src/actor-host.ts';

// The actor host with a store that is a Map: a counter actor whose messages add to it, resident
// while its count is odd (as a waiting lead stays in memory), written before it is adopted.

interface Counter {
  readonly count: number;
}

function setUp(options: { idleMs?: number; scheduler?: ManualScheduler } = {}) {
  const store = new Map<string, Counter>([['stored', { count: 10 }]]);
  const loads: string[] = [];
  const changes: Array<[string, number | undefined]> = [];
  const writes = { next: 'commit' as 'commit' | 'stale' | 'throw' };
  const host = new ActorHost<string, Counter>({
    load: async (id) => {
      loads.push(id);
      return store.get(id);
    },
    resident: (counter) => counter.count % 2 === 1,
    changed: (id, counter) => changes.push([id, counter?.count]),
    ...options,
  });
  /** Adds `n`, persisting the new count in the store unless told to fail. */
  const add = (id: string, n: number, gate?: Promise<void>) =>
    host.send(id, async (counter, commit) => {
      await gate;
      const next = { count: (counter?.count ?? 0) + n };
      const committed = await commit(next, async () => {
        const outcome = writes.next;
        writes.next = 'commit';
        if (outcome === 'throw') throw new Error('connection terminated');
        if (outcome === 'stale') return false;
        store.set(id, next);
        return true;
      });
      return committed ? next.count : 'stale';
    });
  return { host, store, loads, changes, writes, add };
}

describe('actor host', () => {
  it('handles one actor’s messages one at a time and in order, while another actor’s go on', async () => {
    const { host, add } = setUp();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = add('a', 1, gate);
    const second = add('a', 2);
    // b is not held up by a's first message waiting on its gate.
    await expect(add('b', 5)).resolves.toBe(5);
    expect(host.isBusy('a')).toBe(true);
    open();
    await expect(first).resolves.toBe(1);
    // The second message saw the first one's adopted state.
    await expect(second).resolves.toBe(3);
  });

  it('loads an actor from the store on its first message, and passivates it when idle unless it must stay', async () => {
    const { host, loads, add, changes } = setUp();
    await expect(add('stored', 2)).resolves.toBe(12);
    expect(loads).toEqual(['stored']);
    // 12 is even: not resident, so passivated; the next message loads it again.
    expect(host.peek('stored')).toBeUndefined();
    await expect(add('stored', 1)).resolves.toBe(13);
    expect(loads).toEqual(['stored', 'stored']);
    // 13 is odd: it stays, and is not loaded again.
    expect(host.peek('stored')).toEqual({ count: 13 });
    await expect(add('stored', 2)).resolves.toBe(15);
    expect(loads).toEqual(['stored', 'stored']);
    expect(changes).toEqual([
      ['stored', 12],
      ['stored', undefined],
      ['stored', 13],
      ['stored', 15],
    ]);
  });

  it('does not load a new actor: `create` gives its first state', async () => {
    const { host, loads } = setUp();
    const reply = await host.send('fresh', async (counter) => counter?.count, () => ({ count: 7 }));
    expect(reply).toBe(7);
    expect(loads).toEqual([]);
  });

  it('adopts nothing from a write that throws or is stale: the next message sees the actor as before', async () => {
    const { host, store, writes, add } = setUp();
    await add('a', 1);
    writes.next = 'throw';
    await expect(add('a', 2)).rejects.toThrow('connection terminated');
    expect(host.peek('a')).toEqual({ count: 1 });
    writes.next = 'stale';
    await expect(add('a', 2)).resolves.toBe('stale');
    expect(host.peek('a')).toEqual({ count: 1 });
    await expect(add('a', 4)).resolves.toBe(5);
    expect(store.get('a')).toEqual({ count: 5 });
  });

  it('refuses a second commit within one message', async () => {
    const { host } = setUp();
    const reply = host.send('a', async (_counter, commit) => {
      await commit({ count: 1 }, async () => true);
      return commit({ count: 2 }, async () => true);
    });
    await expect(reply).rejects.toThrow(/one next state/);
    expect(host.peek('a')).toEqual({ count: 1 });
  });

  it('keeps an idle actor for idleMs on the scheduler’s clock, and a message in time keeps it longer', async () => {
    const scheduler = new ManualScheduler(0);
    const { host, loads, add } = setUp({ idleMs: 1_000, scheduler });
    await add('stored', 2);
    await scheduler.advance(900);
    expect(host.peek('stored')).toEqual({ count: 12 });
    await add('stored', 2);
    await scheduler.advance(900);
    expect(host.peek('stored')).toEqual({ count: 14 });
    expect(loads).toEqual(['stored']);
    await scheduler.advance(200);
    expect(host.peek('stored')).toBeUndefined();
    expect(host.size).toBe(0);
  });

  it('restores a stored actor into memory without a message, unless it is there already', async () => {
    const { host, add, loads } = setUp();
    host.restore('w', { count: 3 });
    host.restore('w', { count: 99 });
    await expect(add('w', 2)).resolves.toBe(5);
    expect(loads).toEqual([]);
  });

  it('counts the actors with work under way', async () => {
    const { host, add } = setUp();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const pending = [add('a', 1, gate), add('a', 1), add('b', 1, gate)];
    expect(host.busy).toBe(2);
    open();
    await Promise.all(pending);
    expect(host.busy).toBe(0);
  });
});
