/**
 * The shared store: PostgreSQL through a `pg` connection pool, for several gateway processes
 * or machines on one database. Migrations run once under an advisory lock, whichever process
 * starts first.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { definePlugin, GatewayError, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { createStore, installStore } from '@switchyard/store';
import { copyOutOf } from './copy-out.js';

/** Package name, used for every tap. */
export const PLUGIN_NAME = '@switchyard/store-postgres';
const VERSION = '0.1.0';

const OptionsSchema = z
  .object({
    /** `postgres://user:pass@host:5432/db`; defaults to the `DATABASE_URL` environment variable. */
    connectionString: z.string().min(1).optional(),
    /** Most pooled connections per process (default 10). */
    poolSize: z.number().int().min(1).max(1000).optional(),
    /** How long to wait for a free connection, in ms (default 10000). */
    connectionTimeoutMs: z.number().int().min(0).optional(),
    /** Close idle pooled connections after this many ms (default 30000). */
    idleTimeoutMs: z.number().int().min(0).optional(),
    /** `application_name` shown in `pg_stat_activity` (default `switchyard`). */
    applicationName: z.string().optional(),
    /** Finished jobs (`store.jobs`) are deleted once this many days old (default 7; 0 keeps them). */
    jobRetentionDays: z.number().min(0).optional(),
    /** Bytes per row of file bytes (`store.blobs`, table `sy_blob_chunks`), default 1 MiB. */
    blobChunkBytes: z.number().int().min(1024).max(64 << 20).optional(),
  })
  .strict();

/** Options of the PostgreSQL store. */
export type PostgresStoreOptions = z.input<typeof OptionsSchema>;

/** `postgres://user@host:5432/db`: where the data is, without the password. */
function serverOf(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * Creates the PostgreSQL store plugin (`provides: ['store']`).
 *
 * @example
 * ```ts
 * import postgresStore from '@switchyard/store-postgres';
 * createGateway({ plugins: [postgresStore({ connectionString: process.env.DATABASE_URL }), sessionTracker(), mockProvider()] });
 * ```
 */
export function postgresStore(options?: PostgresStoreOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    provides: ['store'],
    async apply(gateway) {
      const connectionString = opts.connectionString ?? process.env.DATABASE_URL;
      if (!connectionString) {
        throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `${PLUGIN_NAME} needs "connectionString" (or the DATABASE_URL environment variable)`);
      }
      const pool = new pg.Pool({
        connectionString,
        max: opts.poolSize ?? 10,
        connectionTimeoutMillis: opts.connectionTimeoutMs ?? 10_000,
        idleTimeoutMillis: opts.idleTimeoutMs ?? 30_000,
        application_name: opts.applicationName ?? 'switchyard',
      });
      pool.on('error', (err) => gateway.diagnostics.warn(`idle PostgreSQL connection failed: ${err.message}`));
      try {
        const client = await pool.connect();
        client.release();
      } catch (err) {
        await pool.end().catch(() => undefined);
        throw new GatewayError('GW_ERR_PLUGIN', `${PLUGIN_NAME} cannot connect to PostgreSQL: ${(err as Error).message}`, { cause: err });
      }
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
      const store = await createStore({
        db,
        dialect: 'postgres',
        location: serverOf(connectionString),
        track: (work) => gateway.background(work),
        closing: gateway.closing,
        ...(opts.blobChunkBytes ? { blobChunkBytes: opts.blobChunkBytes } : {}),
        copyOut: copyOutOf(pool),
        ...(opts.jobRetentionDays !== undefined ? { jobRetentionMs: opts.jobRetentionDays * 86_400_000 } : {}),
        onError: (err) => gateway.diagnostics.error('background store work failed', err),
      }).catch(async (err: unknown) => {
        await db.destroy().catch(() => undefined);
        throw err;
      });
      await installStore(gateway, store, PLUGIN_NAME);
    },
  });
}
