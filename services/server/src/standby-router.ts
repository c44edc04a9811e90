import type { Logger } from '@switchboard/core';
import type { Router } from '@switchboard/router';
import { acquireRouterLock, type RouterLock } from '@switchboard/store';

/** Where a router process stands. */
export type RouterRoleState = 'standby' | 'active' | 'stopped';

/** A router that stands by until it holds the router lock, routes while it does, and stands by again when it loses it. */
export interface StandbyRouter {
  readonly state: RouterRoleState;
  /** The fencing epoch of the current holding, or null while standing by. */
  readonly epoch: number | null;
  /** The router while active. */
  readonly router: Router | undefined;
  /** Stops routing and lets the lock go at once, so a standby takes over without waiting. */
  stop(): Promise<void>;
}

export interface StandbyRouterOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly logger: Logger;
  /** A new router, writing under `epoch` and calling `onFenced` if a write is refused for a newer one. */
  readonly createRouter: (epoch: () => Promise<number>, onFenced: () => void) => Router;
  /** How often a standby tries the lock. @default 1000 */
  readonly retryMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs the router role: stand by → take the router lock (raising its fencing epoch) → start a
 * router → route until the lock is lost (another router took it while this one's connection was
 * down) or a write is fenced → stop that router → stand by again. A router killed outright loses
 * its lock with its PostgreSQL session, so a standby takes over within about `retryMs`.
 */
export function startStandbyRouter(options: StandbyRouterOptions): StandbyRouter {
  const { logger } = options;
  const retryMs = options.retryMs ?? 1000;
  const stopping = new AbortController();
  let state: RouterRoleState = 'standby';
  let lock: RouterLock | undefined;
  let router: Router | undefined;

  const holdOnce = async (): Promise<void> => {
    let toldStandingBy = false;
    let lose!: (why: string) => void;
    const lost = new Promise<string>((resolve) => (lose = resolve));
    stopping.signal.addEventListener('abort', () => lose('stopping'), { once: true });
    lock = await acquireRouterLock({
      url: options.databaseUrl,
      namespace: options.namespace,
      retryMs,
      standBy: {
        signal: stopping.signal,
        onRefused: (error) => {
          if (toldStandingBy) return;
          toldStandingBy = true;
          logger.info({ holder: error.holder }, 'another router is active: standing by to take over');
        },
      },
      onConnectionLost: (error) => logger.warn({ err: error }, 'the router lock’s PostgreSQL connection failed; taking the lock back when the database answers'),
      onRegained: () => logger.info({}, 'the router lock is held again'),
      onLost: () => lose('another router took the router lock while this one’s database connection was down'),
    });
    const held = lock;
    router = options.createRouter(() => held.settledEpoch(), () => lose('a routing write was fenced: another router holds a newer epoch'));
    try {
      await router.start();
      state = 'active';
      logger.info({ epoch: held.epoch }, 'this router holds the router lock and routes');
      const why = await lost;
      if (why !== 'stopping') logger.error({ epoch: held.epoch }, `${why}; this router stops routing and stands by`);
    } finally {
      state = stopping.signal.aborted ? 'stopped' : 'standby';
      const active = router;
      router = undefined;
      await active.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the router failed'));
      await held.release();
      lock = undefined;
    }
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await holdOnce();
      } catch (error) {
        if (stopping.signal.aborted) break;
        logger.warn({ err: error }, `the router role could not take or keep the router lock; trying again in ${retryMs} ms`);
        await sleep(retryMs);
      }
    }
    state = 'stopped';
  })();

  return {
    get state() {
      return state;
    },
    get epoch() {
      return state === 'active' && lock ? lock.epoch : null;
    },
    get router() {
      return router;
    },
    async stop() {
      stopping.abort(new Error('the router is stopping'));
      await loop;
    },
  };
}
