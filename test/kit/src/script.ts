/**
 * startScript(): a TypeScript file run from source in a child process (tsx), talked to by
 * lines: a test waits for the line that says the child reached a point (never a sleep), then
 * writes to it, lets it run on or kills it with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const running = new Set<ChildProcess>();

/**
 * A script running in a child process.
 *
 * @example
 * ```ts
 * const p: ScriptProcess = startScript(file, ['arg']);
 * await p.line(/^ready$/);
 * p.send('go');
 * ```
 */
export interface ScriptProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line (old or new) matching `pattern`; rejects if the child exits first. */
  line(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Writes `text` and a newline to the child's stdin. */
  send(text: string): void;
  /** SIGKILL; resolves once the child is gone. */
  kill(): Promise<void>;
  /** The exit code (null when killed by a signal), once it exited. */
  exited: Promise<number | null>;
  output(): string;
  errors(): string;
}

/**
 * Starts `file` with `args` under tsx, with the workspace packages resolved from source.
 *
 * @example
 * ```ts
 * const p = startScript(fileURLToPath(new URL('./fixtures/job-process.ts', import.meta.url)), ['sqlite', file]);
 * await p.line(/^unit 4$/);
 * await p.kill();
 * ```
 */
export function startScript(file: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ScriptProcess {
  const child = spawn(process.execPath, ['--import', TSX, '--conditions=@switchyard/source', file, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve(m: RegExpMatchArray): void; reject(e: Error): void }> = [];
  let pending = '';
  let exitCode: number | null | undefined;
  child.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    out += text;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        const m = w.pattern.exec(line);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin!.on('error', () => undefined); // a killed child's stdin
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      running.delete(child);
      for (const w of waiters.splice(0)) w.reject(new Error(`${file} exited (${code}) before printing ${w.pattern}:\n${out}\n${err}`));
      resolve(code);
    }),
  );
  return {
    child,
    line(pattern) {
      for (const l of lines) {
        const m = pattern.exec(l);
        if (m) return Promise.resolve(m);
      }
      if (exitCode !== undefined) return Promise.reject(new Error(`${file} exited (${exitCode}) before printing ${pattern}:\n${out}\n${err}`));
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
    send(text) {
      child.stdin!.write(`${text}\n`);
    },
    async kill() {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
    exited,
    output: () => out,
    errors: () => err,
  };
}

/**
 * Kills every script process still running (for `afterEach`/`afterAll`).
 *
 * @example
 * ```ts
 * afterAll(killScripts);
 * ```
 */
export function killScripts(): void {
  for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
  running.clear();
}
