import type { ApiClient } from './api-client.ts';
import type { Output } from './output.ts';

/**
 * Follows a server-sent-events stream until Ctrl-C, `signal`, or `count` events: says on
 * stderr that the stream is open (unless `quiet`, for `--json`), then hands each event's
 * data to `print`. What `watch` and `inspect --xstate` share.
 */
export async function streamUntil(
  api: ApiClient,
  io: Output,
  path: string,
  options: { readonly opened: string; readonly quiet?: boolean; readonly count?: number | undefined; readonly signal?: AbortSignal | undefined },
  print: (data: unknown) => string | Promise<string>,
): Promise<void> {
  let seen = 0;
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop);
  process.once('SIGINT', stop);
  try {
    await api.stream(
      path,
      async ({ event, data }) => {
        if (event === 'ready') {
          if (!options.quiet) io.err(`${options.opened} — Ctrl-C to stop`);
          return true;
        }
        io.out(await print(data));
        seen += 1;
        return options.count === undefined || seen < options.count;
      },
      controller.signal,
    );
  } finally {
    process.off('SIGINT', stop);
    options.signal?.removeEventListener('abort', stop);
  }
}
