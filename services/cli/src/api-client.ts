import { EventSourceParserStream } from 'eventsource-parser/stream';
/** An error answer from the API, or a failure to reach it. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number | null;
  readonly body: unknown;
  constructor(message: string, status: number | null, body: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.body = body;
  }
}

/** One server-sent event, its data parsed from JSON when it is JSON. */
export interface StreamedEvent {
  readonly event: string;
  readonly id: string | null;
  readonly data: unknown;
}

/** A thin client of the Switchboard HTTP API for the CLI. */
export class ApiClient {
  readonly #base: string;
  readonly #auth: Record<string, string>;

  /** `key`: the API key sent as `Authorization: Bearer <key>` (none: requests go without, and protected routes answer 401). */
  constructor(baseUrl: string, key?: string) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#auth = key ? { authorization: `Bearer ${key}` } : {};
  }

  get baseUrl(): string {
    return this.#base;
  }

  /** Sends `body` (if any) as JSON and answers the parsed answer; throws `ApiError` for an error answer. */
  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return this.#send<T>(method, path, body === undefined ? undefined : { contentType: 'application/json', text: JSON.stringify(body) });
  }

  /** Like `request`, with a body that is text already, such as a CSV file (`text/csv`). */
  async requestText<T>(method: string, path: string, text: string, contentType: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    return this.#send<T>(method, path, { contentType, text, headers });
  }

  /**
   * Reads a server-sent-events stream, calling `onEvent` for each event, until the server
   * ends it, `signal` aborts, or `onEvent` answers false. Throws `ApiError` as `request` does.
   */
  async stream(path: string, onEvent: (event: StreamedEvent) => boolean | void | Promise<boolean | void>, signal?: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, { headers: { ...this.#auth, accept: 'text/event-stream' }, ...(signal && { signal }) });
    } catch (cause) {
      if (signal?.aborted) return;
      throw new ApiError(`could not reach Switchboard at ${this.#base}: is it running? Start it with "pnpm start", or point SWITCHBOARD_URL (or --url) at it`, null, undefined, { cause });
    }
    if (!response.ok || !response.body) {
      const text = await response.text();
      let message = text;
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
      } catch {
        // Not JSON: keep the text.
      }
      throw new ApiError(`GET ${path} answered ${response.status}: ${message}`, response.status, text);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        let data: unknown = value.data;
        try {
          data = JSON.parse(value.data);
        } catch {
          // Not JSON: hand over the text.
        }
        if ((await onEvent({ event: value.event ?? 'message', id: value.id ?? null, data })) === false) return;
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  async #send<T>(
    method: string,
    path: string,
    body: { contentType: string; text: string; headers?: Record<string, string> } | undefined,
  ): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers: { ...this.#auth, ...(body !== undefined && { ...body.headers, 'content-type': body.contentType }) },
        ...(body !== undefined && { body: body.text }),
      });
    } catch (cause) {
      throw new ApiError(
        `could not reach Switchboard at ${this.#base}: is it running? Start it with "pnpm start", or point SWITCHBOARD_URL (or --url) at it`,
        null,
        undefined,
        { cause },
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text for the message.
    }
    if (!response.ok) {
      const message =
        typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String((parsed as { message: unknown }).message) : text;
      throw new ApiError(`${method} ${path} answered ${response.status}: ${message}`, response.status, parsed);
    }
    return { status: response.status, body: parsed as T };
  }
}
