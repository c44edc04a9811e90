const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes a value as UTF-8 JSON bytes, the payload format of every Switchboard message.
 *
 * @throws TypeError if the value has no JSON form (`undefined`, a function, a symbol).
 * @example
 * await bus.publish(subjects.leadIntake, encodeJson({ email: 'ada@example.com' }));
 */
export function encodeJson(value: unknown): Uint8Array {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new TypeError(`encodeJson: a value of type ${typeof value} has no JSON form; pass an object, array, string, number, boolean or null`);
  }
  return encoder.encode(text);
}

/**
 * Decodes UTF-8 JSON bytes.
 *
 * @throws SyntaxError if the bytes are not JSON.
 */
export function decodeJson<T = unknown>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}
