/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the top functions by self time
 * and self time per module (package or source file), idle time left out.
 *
 * Run: node --import tsx bench/src/profile-summary.ts <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function or module. */
export interface SelfTime {
  name: string;
  ms: number;
  pct: number;
}

function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return url;
  const ours = /\/((?:core|plugins\/[^/]+|bench|test\/kit)\/(?:src|dist)\/.*)$/.exec(url);
  return ours ? ours[1]! : url;
}

/**
 * Self time by function and by module, busiest first (idle excluded from the total).
 *
 * @example
 * ```ts
 * const { functions, modules, totalMs } = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')));
 * ```
 */
export function summarizeProfile(profile: CpuProfile): { totalMs: number; functions: SelfTime[]; modules: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fnTime = new Map<string, number>();
  const modTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const mod = moduleOf(url, functionName);
    const key = `${functionName || '(anonymous)'}  ${mod}${url ? `:${lineNumber + 1}` : ''}`;
    fnTime.set(key, (fnTime.get(key) ?? 0) + us);
    modTime.set(mod, (modTime.get(mod) ?? 0) + us);
  });
  const list = (m: Map<string, number>) =>
    [...m]
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, pct: Math.round((us / total) * 1000) / 10 }))
      .sort((a, b) => b.ms - a.ms);
  return { totalMs: Math.round(total / 1000), functions: list(fnTime), modules: list(modTime) };
}

if (process.argv[1] && /profile-summary\.[jt]s$/.test(process.argv[1])) {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-summary <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const top = Number(topArg ?? 30);
  process.stdout.on('error', () => process.exit(0)); // piped into head
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  process.stdout.write(`busy ${s.totalMs} ms (idle excluded)\n\ntop functions by self time:\n`);
  for (const f of s.functions.slice(0, top)) process.stdout.write(`${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}\n`);
  process.stdout.write('\nself time by module:\n');
  for (const m of s.modules.slice(0, top)) process.stdout.write(`${m.pct.toFixed(1).padStart(5)}%  ${m.ms.toFixed(0).padStart(7)} ms  ${m.name}\n`);
}
