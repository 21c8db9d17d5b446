/**
 * An OpenAI emulator in a child process, on a fixed port: a deployment a test can kill -9 in
 * the middle of a load run and start again on the same address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from './ports.js';

const require = createRequire(import.meta.url);
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'bin/openai-emulator.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

/** A running emulator process. */
export interface EmulatorProcess {
  port: number;
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  /** The key it accepts. */
  apiKey: string;
  /** SIGKILL, resolved once the process is gone (its port refuses connections). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts an OpenAI emulator process.
 *
 * @example
 * ```ts
 * const a = await startEmulatorProcess();
 * await a.kill(); // mid-load
 * await a.start();
 * ```
 */
export async function startEmulatorProcess(options: { latencyMs?: number } = {}): Promise<EmulatorProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn(process.execPath, ['--import', TSX, '--conditions=@switchyard/source', BIN, String(port), String(options.latencyMs ?? 0)], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let out = '';
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('listening')) resolve();
      });
      c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      c.once('exit', (code) => reject(new Error(`emulator process exited (${code}) before listening:\n${out}`)));
    });
  const gone = (c: ChildProcess | undefined) => (c && c.exitCode === null && c.signalCode === null ? new Promise<void>((r) => c.once('exit', () => r())) : Promise.resolve());
  await start();
  return {
    port,
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: 'sk-emulator',
    async kill() {
      const c = child;
      const exited = gone(c);
      c?.kill('SIGKILL');
      await exited;
    },
    start,
    async stop() {
      const c = child;
      const exited = gone(c);
      c?.kill('SIGTERM');
      await exited;
    },
  };
}
