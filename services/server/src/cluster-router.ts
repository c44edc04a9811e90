import type { Logger } from '@switchboard/core';
import type { PartitionedRouter } from '@switchboard/router';
import { joinRouterCluster, type RouterCluster } from '@switchboard/store';

/** Where a router process stands: joining (or waiting for a process of the `all` role to stop), in the cluster, or stopped. */
export type RouterRoleState = 'joining' | 'member' | 'stopped';

/** A router process of a partitioned deployment; see `startClusterRouter`. */
export interface ClusterRouter {
  readonly state: RouterRoleState;
  /** The partitions it routes now (none while joining, or while every partition is elsewhere). */
  held(): ReadonlyArray<string>;
  /** How many partitions the current map has. */
  partitionCount(): number;
  /** The topology version of the partition map in use. */
  readonly version: number | null;
  /** The partitioned router while a member. */
  readonly router: PartitionedRouter | undefined;
  /** Lets every partition go at once (the others take them without waiting) and leaves. */
  stop(): Promise<void>;
}

export interface ClusterRouterOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly logger: Logger;
  /** Starts the partitioned router of one membership. */
  readonly start: (cluster: RouterCluster) => Promise<PartitionedRouter>;
  /** How long to wait before joining again. @default 1000 */
  readonly retryMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs the router role: join the cluster (waiting while a process of the `all` role routes
 * alone) → route the partitions that fall to this process → on a lost connection (every lease
 * went with it) stop routing at once and join again. A router killed outright loses its leases
 * with its PostgreSQL session, so the others take its partitions at their next tick.
 */
export function startClusterRouter(options: ClusterRouterOptions): ClusterRouter {
  const { logger } = options;
  const retryMs = options.retryMs ?? 1000;
  const stopping = new AbortController();
  let state: RouterRoleState = 'joining';
  let router: PartitionedRouter | undefined;

  const memberOnce = async (): Promise<void> => {
    let toldWaiting = false;
    let lose!: (why: string) => void;
    const lost = new Promise<string>((resolve) => (lose = resolve));
    stopping.signal.addEventListener('abort', () => lose('stopping'), { once: true });
    const cluster = await joinRouterCluster({
      url: options.databaseUrl,
      namespace: options.namespace,
      retryMs,
      signal: stopping.signal,
      onRefused: (error) => {
        if (toldWaiting) return;
        toldWaiting = true;
        logger.info({}, `${error.message}: waiting`);
      },
      onLost: (error) => lose(`the router cluster connection failed (${error.message}); its partitions may be taken by others`),
    });
    try {
      router = await options.start(cluster);
      state = 'member';
      logger.info({ member: cluster.memberId, partitions: router.held() }, 'this router joined the cluster');
      const why = await lost;
      if (why !== 'stopping') logger.error({ member: cluster.memberId }, `${why}; this router stops routing and joins again`);
    } finally {
      state = stopping.signal.aborted ? 'stopped' : 'joining';
      const running = router;
      router = undefined;
      await running?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the router failed'));
      await cluster.leave();
    }
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await memberOnce();
      } catch (error) {
        if (stopping.signal.aborted) break;
        logger.warn({ err: error }, `the router could not join the cluster or keep its place; trying again in ${retryMs} ms`);
        await sleep(retryMs);
      }
    }
    state = 'stopped';
  })();

  return {
    get state() {
      return state;
    },
    held: () => router?.held() ?? [],
    partitionCount: () => router?.partitionCount() ?? 0,
    get version() {
      return router?.version ?? null;
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
