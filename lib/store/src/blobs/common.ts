/**
 * What both blob stores share: ids, the source reader with its size limit and abort, ranges.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError } from '@switchyard/core';
import type { BlobRange, BlobSource, PutBlobOptions } from './types.js';

const ID = /^blob_[0-9a-f]{32}$/;

/** A new blob id. */
export const newBlobId = () => `blob_${randomUUID().replaceAll('-', '')}`;

/** Whether `id` is a blob id (anything else names no blob: never a path). */
export const isBlobId = (id: unknown): id is string => typeof id === 'string' && ID.test(id);

/** The not-found error of `get`. */
export const blobNotFound = (id: string) => new GatewayError('GW_ERR_NOT_FOUND', `No blob with id '${id}'.`, { param: 'id', publicCode: 'blob_not_found' });

/**
 * The chunks of `source`, checked against `maxBytes` and `signal` before each is handed on.
 *
 * @example
 * ```ts
 * for await (const chunk of readSource(req, { maxBytes: 1 << 20 })) await fh.write(chunk);
 * ```
 */
export async function* readSource(source: BlobSource, options: PutBlobOptions = {}): AsyncGenerator<Uint8Array> {
  const { maxBytes, signal } = options;
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 0)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', 'blobs.put: maxBytes must be a whole number, at least 0', { param: 'maxBytes' });
  }
  signal?.throwIfAborted();
  let size = 0;
  const iterable: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = source instanceof Uint8Array ? [source] : source;
  for await (const chunk of iterable) {
    signal?.throwIfAborted();
    if (!(chunk instanceof Uint8Array)) {
      throw new GatewayError('GW_ERR_INVALID_REQUEST', `blobs.put: the source yielded a ${typeof chunk}, not bytes (read streams without an encoding)`, { param: 'source' });
    }
    size += chunk.byteLength;
    if (maxBytes !== undefined && size > maxBytes) {
      throw new GatewayError('GW_ERR_BODY_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes.`, { param: 'file', publicCode: 'file_too_large' });
    }
    if (chunk.byteLength > 0) yield chunk;
  }
  signal?.throwIfAborted();
}

/**
 * The range `range` asks of a blob of `size` bytes, as offset and length (416 when outside it).
 *
 * @example
 * ```ts
 * resolveRange({ offset: 10 }, 100); // { offset: 10, length: 90 }
 * ```
 */
export function resolveRange(range: BlobRange | undefined, size: number): { offset: number; length: number } {
  const offset = range?.offset ?? 0;
  const bad = (what: string) => new GatewayError('GW_ERR_INVALID_REQUEST', `Range not satisfiable: ${what} (the blob has ${size} bytes).`, { status: 416, param: 'range', publicCode: 'range_not_satisfiable' });
  if (!Number.isInteger(offset) || offset < 0) throw bad(`offset ${offset} is not a whole number from 0`);
  if (offset > size) throw bad(`offset ${offset} is past the end`);
  const length = range?.length ?? size - offset;
  if (!Number.isInteger(length) || length < 0) throw bad(`length ${length} is not a whole number from 0`);
  if (offset + length > size) throw bad(`offset ${offset} + length ${length} is past the end`);
  return { offset, length };
}
