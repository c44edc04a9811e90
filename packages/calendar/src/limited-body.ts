/** What {@link readLimitedBody} found. */
export type LimitedBody = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'too-large'; readonly bytes: number; readonly known: boolean };

/**
 * Reads a response body as UTF-8 text, giving up once it passes `maxBytes` (the rest is not
 * downloaded). A Content-Length above the limit is refused before reading anything; `known`
 * then says the size is the whole body's, not just as far as was read.
 */
export async function readLimitedBody(response: Response, maxBytes: number): Promise<LimitedBody> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return { kind: 'too-large', bytes: declared, known: true };
  }
  if (!response.body) return { kind: 'text', text: '' };
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      // Leaving the loop early cancels the stream: the server's connection is let go.
      return { kind: 'too-large', bytes, known: false };
    }
    chunks.push(chunk);
  }
  return { kind: 'text', text: new TextDecoder('utf-8').decode(Buffer.concat(chunks)) };
}
