/**
 * startPostgres(): a throwaway PostgreSQL cluster for tests: created in a temp dir with the
 * server binaries installed on the machine (Debian: /usr/lib/postgresql/<v>/bin), listening
 * on a free loopback port with its unix socket in the temp dir, removed on stop.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** A running test cluster. */
export interface TestPostgres {
  /** URL of the test database (`postgres://postgres@127.0.0.1:<port>/switchyard_test`). */
  connectionString: string;
  port: number;
  /** Creates another empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** The directory holding initdb/pg_ctl: `$PG_BIN`, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
function findBinDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

async function uidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [u, g] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Starts a PostgreSQL cluster for a test file. Throws (never skips) when the server is not
 * installed. Runs the server as the `postgres` user when the tests run as root.
 *
 * @example
 * ```ts
 * const pgsrv = await startPostgres();
 * const gw = await createTestGateway({ plugins: [postgresStore({ connectionString: pgsrv.connectionString })] });
 * await pgsrv.stop();
 * ```
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findBinDir();
  if (!bin) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found: install the server (Debian/Ubuntu: apt-get install postgresql) or set PG_BIN to its bin directory',
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const exec = async (cmd: string, args: string[]) => {
    const file = path.join(bin, cmd);
    try {
      return asRoot ? await run('runuser', ['-u', 'postgres', '--', file, ...args]) : await run(file, args);
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${cmd} failed: ${e.stderr?.trim() || e.message}`);
    }
  };
  try {
    if (asRoot) {
      const { uid, gid } = await uidOf('postgres');
      chownSync(dir, uid, gid);
    }
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    const port = await freePort();
    const serverOpts = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await exec('pg_ctl', ['-D', data, '-o', serverOpts, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    const base = `postgres://postgres@127.0.0.1:${port}`;
    const createDatabase = async (name: string) => {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replaceAll('"', '')}"`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    };
    const connectionString = await createDatabase('switchyard_test');
    let stopped = false;
    return {
      connectionString,
      port,
      createDatabase,
      async stop() {
        if (stopped) return;
        stopped = true;
        await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await exec('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
