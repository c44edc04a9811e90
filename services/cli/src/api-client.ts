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

/** A thin client of the Switchboard HTTP API for the CLI. */
export class ApiClient {
  readonly #base: string;

  constructor(baseUrl: string) {
    this.#base = baseUrl.replace(/\/+$/, '');
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

  async #send<T>(
    method: string,
    path: string,
    body: { contentType: string; text: string; headers?: Record<string, string> } | undefined,
  ): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        ...(body !== undefined && { headers: { ...body.headers, 'content-type': body.contentType }, body: body.text }),
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
