/**
 * The embedded store: one SQLite file (default `<dataDir>/switchyard.db`) in WAL mode with
 * `synchronous=NORMAL` and a busy timeout, so readers never block the writer and several
 * processes on one file wait for each other instead of failing.
 */
import path from 'node:path';
import { acquireSqlite } from './connections.js';
import { definePlugin, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { createStore, installStore } from '@switchyard/store';

/** Package name, used for every tap. */
export const PLUGIN_NAME = '@switchyard/store-sqlite';
const VERSION = '0.1.0';

const OptionsSchema = z
  .object({
    /** Database file; relative paths are resolved against the gateway's `dataDir`. `:memory:` for a throwaway store. */
    file: z.string().min(1).optional(),
    /** How long a write waits for another process's lock, in ms (default 5000). */
    busyTimeoutMs: z.number().int().min(0).optional(),
    /** Finished jobs (`store.jobs`) are deleted once this many days old (default 7; 0 keeps them). */
    jobRetentionDays: z.number().min(0).optional(),
    /**
     * Directory for file bytes (`store.blobs`); relative paths are resolved against `dataDir`.
     * Default: `<file name without extension>-blobs` beside the database file.
     */
    blobDir: z.string().min(1).optional(),
  })
  .strict();

/** Options of the SQLite store. */
export type SqliteStoreOptions = z.input<typeof OptionsSchema>;

/** The default file name under `dataDir`. */
export const DEFAULT_SQLITE_FILE = 'switchyard.db';

/**
 * The default blob directory of a database file: `<name without extension>-blobs` beside it.
 *
 * @example
 * ```ts
 * defaultBlobDir('/data/switchyard.db'); // '/data/switchyard-blobs'
 * ```
 */
export function defaultBlobDir(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}-blobs`);
}

/**
 * Creates the SQLite store plugin (`provides: ['store']`).
 *
 * @example
 * ```ts
 * import sqliteStore from '@switchyard/store-sqlite';
 * createGateway({ dataDir: './.switchyard', plugins: [sqliteStore(), sessionTracker(), mockProvider()] });
 * ```
 */
export function sqliteStore(options?: SqliteStoreOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    provides: ['store'],
    async apply(gateway) {
      const dataDir = gateway.settings.dataDir;
      const file = opts.file === ':memory:' ? ':memory:' : path.resolve(dataDir, opts.file ?? DEFAULT_SQLITE_FILE);
      const blobDir = opts.blobDir ? path.resolve(dataDir, opts.blobDir) : file === ':memory:' ? undefined : defaultBlobDir(file);
      const { db, release, checkpointer } = acquireSqlite(file, opts.busyTimeoutMs ?? 5000, (err) => gateway.diagnostics.error('SQLite WAL checkpoint', err));
      const store = await createStore({
        db,
        dialect: 'sqlite',
        location: file,
        release,
        // a WAL checkpoint is taken between batches, while this process does not write
        ...(checkpointer ? { beforeBatch: () => checkpointer.due() } : {}),
        track: (work) => gateway.background(work),
        closing: gateway.closing,
        ...(blobDir ? { blobDir } : {}),
        ...(opts.jobRetentionDays !== undefined ? { jobRetentionMs: opts.jobRetentionDays * 86_400_000 } : {}),
        onError: (err) => gateway.diagnostics.error('background store work failed', err),
      }).catch(async (err: unknown) => {
        await release();
        throw err;
      });
      await installStore(gateway, store, PLUGIN_NAME);
      gateway.diagnostics.debug(`SQLite store at ${file}, blobs in ${store.blobs.location}`);
    },
  });
}
