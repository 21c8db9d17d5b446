/**
 * Embeddings as base64 (`encoding_format: base64`): the bytes of the vector as little-endian
 * float32, as OpenAI sends them and its SDKs decode them.
 */
import { endianness } from 'node:os';

const LE = endianness() === 'LE';

/**
 * The base64 text of a vector's little-endian float32 bytes.
 *
 * @example
 * ```ts
 * floatsToBase64([1, 0.5]); // 'AACAPwAAAD8='
 * ```
 */
export function floatsToBase64(values: readonly number[]): string {
  const f32 = Float32Array.from(values);
  if (LE) return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, i * 4);
  return buf.toString('base64');
}

/**
 * The vector of a base64 embedding, or undefined when the text is not whole float32 values.
 *
 * @example
 * ```ts
 * base64ToFloats('AACAPwAAAD8='); // [1, 0.5]
 * ```
 */
export function base64ToFloats(text: string): number[] | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const buf = Buffer.from(text, 'base64');
  if (buf.length === 0 || buf.length % 4 !== 0) return undefined;
  const out = new Array<number>(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}
