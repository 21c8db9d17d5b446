/**
 * Processes from Linux /proc: the children of a process, and their command lines.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A child process: its pid and its command line (arguments joined by spaces). */
export interface ChildProcessInfo {
  pid: number;
  cmdline: string;
}

/**
 * The live children of `pid`.
 *
 * @example
 * ```ts
 * const workers = childProcesses(primary.pid!).filter((c) => /cli\/(src|dist)\/main/.test(c.cmdline));
 * ```
 */
export function childProcesses(pid: number): ChildProcessInfo[] {
  const out: ChildProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      out.push({ pid: Number(name), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
