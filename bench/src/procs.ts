/**
 * Child processes of the benchmark (upstream, floor, gateways) and their memory, read
 * from /proc (Linux) with a `ps` fallback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { childProcesses } from '@switchyard/test-kit';

const live = new Set<ChildProcess>();

/**
 * Tracks a child so that {@link killAll} reaches it.
 *
 * @example
 * ```ts
 * track(fork('loadgen.js'));
 * ```
 */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/**
 * Kills every child the benchmark started (on Ctrl-C), by pid.
 *
 * @example
 * ```ts
 * process.on('SIGINT', () => { killAll(); process.exit(130); });
 * ```
 */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** A started server process. */
export interface Proc {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote to stderr (for error reports). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node [nodeArgs] script [args]` and waits for a stdout line matching `ready`.
 *
 * @example
 * ```ts
 * const { proc, match } = await startProcess(['--import', 'tsx', 'src/floor.ts', a, b], /^\{"port":(\d+)\}/);
 * ```
 */
export async function startProcess(
  args: string[],
  ready: RegExp,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ proc: Proc; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: Proc = {
    child,
    pid: child.pid!,
    stderr: () => err,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${ready}`)), options.timeoutMs ?? 60_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\nargs: ${args.join(' ')}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-4000)}`));
    };
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`exited (${signal ?? code}) before it was ready`)));
  });
  child.stdout!.resume();
  return { proc, match };
}

/** A process and all its descendants (a cluster primary and its workers). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childProcesses(all[i]!).map((c) => c.pid));
  return all;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    if (field === 'VmHWM') return 0;
    try {
      return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || 0;
    } catch {
      return 0;
    }
  }
}

/**
 * Resident memory in MB of a process tree: current RSS and peak (VmHWM), summed over
 * the tree.
 *
 * @example
 * ```ts
 * const { rssMb, peakMb } = memoryOf(proc.pid);
 * ```
 */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  let rss = 0;
  let peak = 0;
  for (const p of processTree(pid)) {
    rss += statusKb(p, 'VmRSS');
    peak += statusKb(p, 'VmHWM');
  }
  return { rssMb: round(rss / 1024), peakMb: round(peak / 1024) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU time (user + system, ms) used so far by `pid` and its children, from /proc; 0 where
 * /proc is missing. The difference over a scenario divided by its requests is the row's CPU
 * cost per request.
 *
 * @example
 * ```ts
 * const before = cpuMsOf(proc.pid);
 * // ... 10 s of load ...
 * const usPerRequest = ((cpuMsOf(proc.pid) - before) * 1000) / requests;
 * ```
 */
export function cpuMsOf(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // fields after the ")" that closes the command name: state is field 3, utime 14, stime 15
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      // the process is gone or /proc is missing
    }
  }
  return (ticks * 1000) / USER_HZ;
}
