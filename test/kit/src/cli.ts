/**
 * Runs the real `switchyard` CLI from source in a child process, for tests of what a user
 * runs: the banner, signals, the embedded default, several processes on one database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../cli/src/main.ts');
// tsx resolved from this repository, since the CLI may run in a temp folder
const TSX = pathToFileURL(require.resolve('tsx')).href;
const running = new Set<ChildProcess>();

/** A CLI process. */
export interface CliProcess {
  child: ChildProcess;
  /** The origin from the banner (`http://127.0.0.1:<port>`); rejects if the process exits first. */
  url: Promise<string>;
  /** The exit code, once it exited. */
  exited: Promise<number | null>;
  output(): string;
  errors(): string;
}

/**
 * Starts `switchyard <args>` in `cwd` (PORT unset unless `env` sets it).
 *
 * @example
 * ```ts
 * const cli = startCli(['--port', '0'], dir);
 * const origin = await cli.url;
 * cli.child.kill('SIGTERM');
 * expect(await cli.exited).toBe(0);
 * ```
 */
export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX, '--conditions=@switchyard/source', MAIN, ...args], {
    cwd,
    env: { ...process.env, PORT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  url.catch(() => undefined); // a test that expects the rejection awaits it itself
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, exited, output: () => out, errors: () => err };
}

/**
 * Kills every CLI process still running (for `afterEach`).
 *
 * @example
 * ```ts
 * afterEach(killClis);
 * ```
 */
export function killClis(): void {
  for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
  running.clear();
}
