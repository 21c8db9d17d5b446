/**
 * startRedis(): a throwaway `redis-server` for tests, on a free loopback port with its files
 * in a temp dir (no persistence), stopped and removed on stop.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

/** A running test Redis. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Sends one command (RESP) and resolves with the raw reply, e.g. `command('DBSIZE')` → `':3\r\n'`. */
  command(...args: string[]): Promise<string>;
  /** Stops the server (SIGTERM, waits for its exit) and removes its directory. */
  stop(): Promise<void>;
}

function findServer(): string | undefined {
  if (process.env.REDIS_SERVER) return process.env.REDIS_SERVER;
  try {
    return execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** One RESP command over a fresh connection. */
function command(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    sock.setEncoding('utf8');
    sock.once('error', reject);
    sock.on('data', (d: string) => {
      out += d;
      if (out.endsWith('\r\n')) {
        sock.end();
        resolve(out);
      }
    });
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/**
 * Starts a Redis server for a test file. Throws (never skips) when `redis-server` is not
 * installed.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * const gw = await createTestGateway({ plugins: [sqliteStore(), auth({ masterKey, limiter: 'redis', redisUrl: redis.url })] });
 * await redis.stop();
 * ```
 */
export async function startRedis(): Promise<TestRedis> {
  const bin = findServer();
  if (!bin) throw new Error('redis-server not found: install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER to its path');
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes('Ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${log}`)));
  });
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    command: (...args) => command(port, args),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
