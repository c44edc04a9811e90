import { bearer, TEST_ADMIN_KEY } from './test-keys.ts';

/** A JSON answer. */
export interface JsonResponse<T = any> {
  readonly status: number;
  readonly body: T;
}

/** Options of `http`. */
export interface HttpOptions {
  /** The API key to send; null sends none. @default the test admin key */
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
}

/** Sends a JSON request to a test server, as the test admin unless told otherwise. */
export async function http<T = any>(base: string, method: string, path: string, body?: unknown, options: HttpOptions = {}): Promise<JsonResponse<T>> {
  const key = options.key === undefined ? TEST_ADMIN_KEY : options.key;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key !== null && bearer(key)),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
