/**
 * Blobs as files in a directory (the SQLite store's): each blob is written to a temp file in
 * `<dir>/.tmp`, synced, then renamed to `<dir>/<last two hex digits>/<id>`, so a blob is either
 * whole or absent; a failed or aborted write deletes its temp file, and temp files a killed
 * process left behind are swept at start.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { blobNotFound, isBlobId, newBlobId, readSource, resolveRange } from './common.js';
import type { BlobInfo, BlobRead, BlobStore } from './types.js';

/** Temp files older than this at start belong to no live write (a write touches its file on every chunk). */
const STALE_TEMP_MS = 3_600_000;

/** A blob store that can be closed (a throwaway one removes its directory). */
export interface ClosableBlobStore extends BlobStore {
  close(): Promise<void>;
}

const missing = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/**
 * Opens (creating it if needed) the blob directory `dir`; `undefined` makes a throwaway one in
 * the system temp folder, removed on `close` (for a `:memory:` store).
 *
 * @example
 * ```ts
 * const blobs = await directoryBlobStore('/var/lib/switchyard/switchyard-blobs');
 * ```
 */
export async function directoryBlobStore(dir: string | undefined): Promise<ClosableBlobStore> {
  const throwaway = dir === undefined;
  const root = throwaway ? await mkdtemp(path.join(tmpdir(), 'sy-blobs-')) : path.resolve(dir);
  const temp = path.join(root, '.tmp');
  await mkdir(temp, { recursive: true });
  await sweep(temp);
  const fileOf = (id: string) => path.join(root, id.slice(-2), id);

  const info = async (id: string): Promise<BlobInfo | undefined> => {
    if (!isBlobId(id)) return undefined;
    try {
      const s = await stat(fileOf(id));
      return { id, size: s.size, createdAt: Math.floor(s.mtimeMs) };
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  };

  return {
    location: root,
    async put(source, options = {}) {
      const id = newBlobId();
      const tmp = path.join(temp, `${id}.${randomBytes(4).toString('hex')}`);
      const fh = await open(tmp, 'wx');
      let size = 0;
      try {
        for await (const chunk of readSource(source, options)) {
          // one chunk in flight: the source is read no faster than the disk takes it
          let written = 0;
          while (written < chunk.byteLength) written += (await fh.write(chunk, written)).bytesWritten;
          size += chunk.byteLength;
        }
        await fh.sync();
        await fh.close();
      } catch (err) {
        await fh.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      const final = fileOf(id);
      try {
        await mkdir(path.dirname(final), { recursive: true });
        await rename(tmp, final);
        await syncDir(path.dirname(final));
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      return { id, size, createdAt: Date.now() };
    },
    stat: info,
    async get(id, range): Promise<BlobRead> {
      if (!isBlobId(id)) throw blobNotFound(id);
      let fh;
      try {
        fh = await open(fileOf(id), 'r');
      } catch (err) {
        if (missing(err)) throw blobNotFound(id);
        throw err;
      }
      try {
        const s = await fh.stat();
        const { offset, length } = resolveRange(range, s.size);
        const base = { id, size: s.size, createdAt: Math.floor(s.mtimeMs), offset, length };
        if (length === 0) {
          await fh.close();
          return { ...base, stream: Readable.from([]) };
        }
        // the open handle keeps the bytes readable even if the blob is deleted meanwhile
        return { ...base, stream: fh.createReadStream({ start: offset, end: offset + length - 1, autoClose: true }) };
      } catch (err) {
        await fh.close().catch(() => undefined);
        throw err;
      }
    },
    async delete(id) {
      if (!isBlobId(id)) return false;
      try {
        await unlink(fileOf(id));
        return true;
      } catch (err) {
        if (missing(err)) return false;
        throw err;
      }
    },
    async close() {
      if (throwaway) await rm(root, { recursive: true, force: true });
    },
  };
}

/** Removes temp files a killed process left (older than any live write's last chunk). */
async function sweep(temp: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(temp)) {
    const file = path.join(temp, name);
    try {
      if (now - (await stat(file)).mtimeMs > STALE_TEMP_MS) await unlink(file);
    } catch {
      // another process swept it first
    }
  }
}

/** Makes a rename durable (the directory entry), where the platform allows it. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  try {
    await fh.sync();
  } catch {
    // some filesystems refuse fsync on a directory
  } finally {
    await fh.close();
  }
}
