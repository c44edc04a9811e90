import { ApiClient, type StreamedEvent } from '@switchboard/cli';
import { TEST_ADMIN_KEY } from './test-keys.ts';

/**
 * Opens a server-sent-event stream of the API (lifecycle events, or an actor's XState
 * inspection events) and collects its events (after `ready`) until `enough` holds. Resolves
 * once the stream is open; `done` resolves with the events, `close` ends it early.
 */
export async function openStream(url: string, path: string, enough: (events: StreamedEvent[]) => boolean) {
  const events: StreamedEvent[] = [];
  const controller = new AbortController();
  let ready!: () => void;
  const opened = new Promise<void>((resolve) => (ready = resolve));
  const done = new ApiClient(url, TEST_ADMIN_KEY)
    .stream(
      path,
      (event) => {
        if (event.event === 'ready') ready();
        else events.push(event);
        return !enough(events);
      },
      controller.signal,
    )
    .then(() => events);
  await Promise.race([opened, done]);
  return { done, close: () => controller.abort() };
}
