import { benchAuthorization } from './bench-key.ts';

/** Sends `body` as JSON with `method` and answers the parsed reply, or throws naming the status if it is not `expected`. */
export async function sendJson<T = unknown>(method: 'POST' | 'PUT', url: string, body: unknown, expected: number): Promise<T> {
  const response = await fetch(url, { method, headers: { ...benchAuthorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Creates something with `POST` (201) and answers its id. */
export const postJson = (url: string, body: unknown): Promise<{ id: string }> => sendJson<{ id: string }>('POST', url, body, 201);
