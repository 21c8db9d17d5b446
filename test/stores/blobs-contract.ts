/**
 * The blob store's contract suite (`store.blobs`): the same tests against every store plugin,
 * each store opened by its real plugin inside a real gateway (SQLite: a directory beside the
 * file; PostgreSQL: chunked rows, with small chunks here so ranges cross chunk edges).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/core';
import type { Store } from '@switchyard/store';
import type { OpenedStore, StoreTarget } from './contract.js';

/** Everything a stream yields, joined. */
export async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** A source that yields `chunks`, then fails with `err`. */
async function* failingAfter(chunks: Buffer[], err: Error): AsyncGenerator<Buffer> {
  for (const c of chunks) yield c;
  throw err;
}

/** How a blob contract target says what is left of blobs (files or rows), to show a failed put left nothing. */
export interface BlobTarget extends StoreTarget {
  /** Bytes-holding things stored now (blob files and temp files, or chunk rows). */
  leftovers(store: Store): Promise<number>;
}

/**
 * Registers the blob contract tests for one store implementation.
 *
 * @example
 * ```ts
 * blobsContract('sqlite', async () => ({ open, leftovers: async (s) => countFiles(s.blobs.location) }));
 * ```
 */
export function blobsContract(name: string, target: () => Promise<BlobTarget>): void {
  describe(`blobs contract: ${name}`, () => {
    const opened: OpenedStore[] = [];
    let t: BlobTarget | undefined;
    const open = async () => {
      t ??= await target();
      const o = await t.open();
      opened.push(o);
      return o;
    };
    afterAll(async () => {
      for (const o of opened) await o.close().catch(() => undefined);
    });

    it('round-trips bytes from memory and from a stream, and reads any range', async () => {
      const { store } = await open();
      const bytes = randomBytes(10_000);
      const put = await store.blobs.put(bytes);
      expect(put).toMatchObject({ size: 10_000 });
      expect(put.id).toMatch(/^blob_[0-9a-f]{32}$/);
      expect(await store.blobs.stat(put.id)).toMatchObject({ id: put.id, size: 10_000 });
      const whole = await store.blobs.get(put.id);
      expect(whole).toMatchObject({ id: put.id, size: 10_000, offset: 0, length: 10_000 });
      expect((await bytesOf(whole.stream)).equals(bytes)).toBe(true);
      for (const [offset, length] of [
        [0, 0],
        [0, 1],
        [1023, 2],
        [1024, 1024],
        [1000, 3000],
        [5000, undefined],
        [9999, 1],
        [10_000, 0],
        [10_000, undefined],
      ] as const) {
        const r = await store.blobs.get(put.id, { offset, length });
        const want = bytes.subarray(offset, length === undefined ? undefined : offset + length);
        expect(r.length).toBe(want.length);
        expect((await bytesOf(r.stream)).equals(want)).toBe(true);
      }
      // many small chunks from a Node stream
      const parts = Array.from({ length: 300 }, () => randomBytes(777));
      const streamed = await store.blobs.put(Readable.from(parts));
      expect(streamed.size).toBe(300 * 777);
      expect((await bytesOf((await store.blobs.get(streamed.id)).stream)).equals(Buffer.concat(parts))).toBe(true);
      // empty
      const empty = await store.blobs.put(Buffer.alloc(0));
      expect(empty.size).toBe(0);
      expect((await bytesOf((await store.blobs.get(empty.id)).stream)).length).toBe(0);
    });

    it('refuses a range outside the blob with 416 naming range', async () => {
      const { store } = await open();
      const { id } = await store.blobs.put(Buffer.from('0123456789'));
      for (const range of [{ offset: 11 }, { offset: 5, length: 6 }, { offset: -1 }, { offset: 0, length: -1 }, { offset: 1.5 }]) {
        const err = await store.blobs.get(id, range).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GatewayError);
        expect(err).toMatchObject({ status: 416, param: 'range', publicCode: 'range_not_satisfiable' });
      }
    });

    it('deletes a blob; a missing or malformed id is not found, never a path', async () => {
      const { store } = await open();
      const { id } = await store.blobs.put(Buffer.from('to be deleted'));
      expect(await store.blobs.delete(id)).toBe(true);
      expect(await store.blobs.stat(id)).toBeUndefined();
      expect(await store.blobs.get(id).catch((e: unknown) => e)).toMatchObject({ code: 'GW_ERR_NOT_FOUND', status: 404, publicCode: 'blob_not_found' });
      expect(await store.blobs.delete(id)).toBe(false);
      for (const bad of ['../../etc/passwd', 'blob_../../x', '', 'blob_0123']) {
        expect(await store.blobs.stat(bad)).toBeUndefined();
        expect(await store.blobs.get(bad).catch((e: unknown) => e)).toMatchObject({ status: 404 });
        expect(await store.blobs.delete(bad)).toBe(false);
      }
    });

    it('a put that fails, is aborted or runs past maxBytes leaves nothing behind', async () => {
      const { store } = await open();
      const before = await t!.leftovers(store);
      const boom = new Error('client went away');
      await expect(store.blobs.put(failingAfter([randomBytes(3000), randomBytes(3000)], boom))).rejects.toBe(boom);
      const ac = new AbortController();
      const aborting = (async function* () {
        yield randomBytes(2500);
        yield randomBytes(2500);
        ac.abort(new Error('aborted by the caller'));
        yield randomBytes(2500);
      })();
      await expect(store.blobs.put(aborting, { signal: ac.signal })).rejects.toThrow('aborted by the caller');
      const tooLarge = await store.blobs.put(Readable.from([randomBytes(4000), randomBytes(4000)]), { maxBytes: 5000 }).catch((e: unknown) => e);
      expect(tooLarge).toMatchObject({ code: 'GW_ERR_BODY_TOO_LARGE', status: 413, publicCode: 'file_too_large' });
      const notBytes = await store.blobs.put(Readable.from(['text'], { objectMode: true }) as AsyncIterable<never>).catch((e: unknown) => e);
      expect(notBytes).toMatchObject({ code: 'GW_ERR_INVALID_REQUEST', param: 'source' });
      expect(await t!.leftovers(store)).toBe(before);
      // exactly maxBytes is fine
      expect((await store.blobs.put(randomBytes(5000), { maxBytes: 5000 })).size).toBe(5000);
    });

    it('another gateway on the same store reads, and deletes, what one wrote', async () => {
      const a = await open();
      const b = await open();
      const bytes = randomBytes(5000);
      const { id } = await a.store.blobs.put(bytes);
      expect((await bytesOf((await b.store.blobs.get(id, { offset: 100, length: 4000 })).stream)).equals(bytes.subarray(100, 4100))).toBe(true);
      expect(await b.store.blobs.delete(id)).toBe(true);
      expect(await a.store.blobs.stat(id)).toBeUndefined();
    });
  });
}
