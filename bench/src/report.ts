/**
 * The one table (ratios to the floor, latency added over direct) and the goal checks.
 */
import type { TargetResult } from './measure.js';
import { r3 } from './stats.js';

/** A measured row with what is derived from direct and floor. */
export interface Row {
  target: string;
  label: string;
  status: 'ok' | 'pending' | 'failed';
  note?: string;
  result?: TargetResult;
  derived?: {
    rps: number;
    /** Requests/s over the floor row's (measured minutes earlier). */
    rpsVsFloor: number;
    /** Requests/s over the mean of the reference floor measured right before and after (NaN when not measured). */
    rpsVsFloorAround: number;
    /** Large-body requests/s over the floor's, whole and streamed. */
    largeVsFloor: { whole: number; streamed: number };
    addedC1: { p50: number; p99: number };
    addedC64: { p50: number; p99: number };
    ttfcAdded: { p50: number; p99: number };
  };
}

/** A goal (issue 20's) and whether it held. */
export interface Goal {
  goal: string;
  measured: string;
  pass: boolean;
}

/** `a - b` rounded, or NaN (shown as —) when there is no `b` (direct was not measured). */
const minus = (a: number, b: number | undefined) => (b === undefined ? NaN : r3(a - b));

/**
 * Derives ratios and added latencies (target minus direct, percentile by percentile); a
 * run without `direct` or `floor` still gets its requests/s, with — for what needs them.
 *
 * @example
 * ```ts
 * derive(rows);
 * ```
 */
export function derive(rows: Row[]): void {
  const direct = rows.find((r) => r.target === 'direct')?.result;
  const floor = rows.find((r) => r.target === 'floor')?.result;
  for (const row of rows) {
    const res = row.result;
    if (!res) continue;
    row.derived = {
      rps: res.saturation.rps,
      rpsVsFloor: floor ? r3(res.saturation.rps / floor.saturation.rps) : NaN,
      rpsVsFloorAround: res.floorAround ? r3((2 * res.saturation.rps) / (res.floorAround.before + res.floorAround.after)) : NaN,
      largeVsFloor: {
        whole: res.large && floor?.large ? r3(res.large.whole.rps / floor.large.whole.rps) : NaN,
        streamed: res.large && floor?.large ? r3(res.large.streamed.rps / floor.large.streamed.rps) : NaN,
      },
      addedC1: { p50: minus(res.serial.latency.p50, direct?.serial.latency.p50), p99: minus(res.serial.latency.p99, direct?.serial.latency.p99) },
      addedC64: {
        p50: minus(res.saturation.latency.p50, direct?.saturation.latency.p50),
        p99: minus(res.saturation.latency.p99, direct?.saturation.latency.p99),
      },
      ttfcAdded: { p50: minus(res.ttfc.ttfc.p50, direct?.ttfc.ttfc.p50), p99: minus(res.ttfc.ttfc.p99, direct?.ttfc.ttfc.p99) },
    };
  }
}

const f = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));

function large(res: TargetResult, d: NonNullable<Row['derived']>): string {
  if (!res.large) return '—';
  const one = (r: { rps: number }, ratio: number) => `${r.rps}${Number.isNaN(ratio) ? '' : ` (${f(ratio)})`}`;
  return `${one(res.large.whole, d.largeVsFloor.whole)} · ${one(res.large.streamed, d.largeVsFloor.streamed)}`;
}

/**
 * The table, in Markdown.
 *
 * @example
 * ```ts
 * console.log(table(rows, 1000));
 * ```
 */
export function table(rows: readonly Row[], openCount: number): string {
  const head = [
    'target',
    'req/s @64',
    '× floor',
    '× floor around it',
    'CPU µs/req',
    'large body req/s (× floor): whole · 400 chunks',
    'added p50 / p99 @1 (ms)',
    'added p50 / p99 @64 (ms)',
    'TTFC added p50 / p99 @100 streams (ms)',
    'peak RSS (MB)',
    'RSS at 50% → 100% of soak (MB)',
    `${openCount} open streams: open / RSS (MB), fresh process · after soak`,
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const d = row.derived;
    const m = row.result?.memory;
    const o = row.result?.open;
    const fresh = row.result?.openFresh;
    if (!d) {
      lines.push(`| ${row.label} | ${row.status}${row.note ? `: ${row.note}` : ''} |${' |'.repeat(head.length - 2)}`);
      continue;
    }
    const direct = row.target === 'direct';
    lines.push(
      `| ${[
        row.label,
        String(d.rps),
        f(d.rpsVsFloor),
        f(d.rpsVsFloorAround),
        row.result!.cpuUs === undefined ? '—' : String(row.result!.cpuUs),
        large(row.result!, d),
        direct ? `(${f(row.result!.serial.latency.p50)} / ${f(row.result!.serial.latency.p99)})` : `${f(d.addedC1.p50)} / ${f(d.addedC1.p99)}`,
        direct ? `(${f(row.result!.saturation.latency.p50)} / ${f(row.result!.saturation.latency.p99)})` : `${f(d.addedC64.p50)} / ${f(d.addedC64.p99)}`,
        direct ? `(${f(row.result!.ttfc.ttfc.p50)} / ${f(row.result!.ttfc.ttfc.p99)})` : `${f(d.ttfcAdded.p50)} / ${f(d.ttfcAdded.p99)}`,
        m ? f(m.peakMb, 0) : '—',
        m ? `${f(m.soakHalfMb, 0)} → ${f(m.soakFullMb, 0)} (${m.soakGrowthPct >= 0 ? '+' : ''}${f(m.soakGrowthPct, 1)}%)` : '—',
        o ? `${fresh ? `${fresh.maxOpen} / ${f(fresh.maxRssMb, 0)} · ` : ''}${o.maxOpen} / ${f(o.maxRssMb, 0)}` : '—',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Checks the goals on the measured rows (issue 20: every goal must hold in every full run).
 *
 * @example
 * ```ts
 * for (const g of goals(rows, 1000)) console.log(g.pass ? 'PASS' : 'FAIL', g.goal, g.measured);
 * ```
 */
export function goals(rows: readonly Row[], openCount: number): Goal[] {
  const out: Goal[] = [];
  const min = rows.find((r) => r.target === 'minimal');
  const prod = rows.find((r) => r.target === 'production');
  const ratio = (name: string, row: Row | undefined, least: number) => {
    // a goal is checked only when its inputs were measured (floor for ratios, direct for latency);
    // the ratio against the floor measured around the row is judged when there is one, since
    // the floor row ran minutes earlier on a VM whose speed drifts; both are shown
    if (row?.derived && !Number.isNaN(row.derived.rpsVsFloor)) {
      const { rpsVsFloor: vsRow, rpsVsFloorAround: around } = row.derived;
      const judged = Number.isNaN(around) ? vsRow : around;
      const measured = Number.isNaN(around) ? `${f(vsRow * 100, 0)}%` : `${f(around * 100, 0)}% against the floor around it (${f(vsRow * 100, 0)}% against the floor row)`;
      out.push({ goal: `${name} ≥ ${least * 100}% of floor req/s`, measured, pass: judged >= least });
    }
  };
  const atMost = (goal: string, value: number | undefined, max: number) => {
    if (value !== undefined && !Number.isNaN(value)) out.push({ goal, measured: `${f(value, 3)} ms`, pass: value <= max });
  };
  ratio('minimal', min, 0.9);
  ratio('production', prod, 0.6);
  const lw = min?.derived?.largeVsFloor.whole;
  if (lw !== undefined && !Number.isNaN(lw)) out.push({ goal: 'minimal large body ≥ 75% of floor req/s', measured: `${f(lw * 100, 0)}%`, pass: lw >= 0.75 });
  atMost('minimal added p50 ≤ 0.5 ms @1', min?.derived?.addedC1.p50, 0.5);
  atMost('minimal TTFC added p99 ≤ 5 ms @100 streams', min?.derived?.ttfcAdded.p99, 5);
  const d = prod?.derived;
  const res = prod?.result;
  if (d && res) {
    atMost('production added p50 ≤ 1 ms @1', d.addedC1.p50, 1);
    atMost('production added p99 ≤ 3 ms @1', d.addedC1.p99, 3);
    atMost('production TTFC added p99 ≤ 5 ms @100 streams', d.ttfcAdded.p99, 5);
    for (const [when, o] of [['fresh process', res.openFresh], ['after the soak', res.open]] as const) {
      if (!o) continue;
      out.push({
        goal: `production ${openCount} open streams, RSS < 250 MB (${when})`,
        measured: `${o.maxOpen} open at once, ${f(o.maxRssMb, 0)} MB, ${o.errors} errors`,
        pass: o.maxOpen === openCount && o.errors === 0 && o.maxRssMb < 250,
      });
    }
    if (res.memory) {
      out.push({ goal: 'production RSS growth < 10% from 50% to 100% of soak', measured: `${f(res.memory.soakGrowthPct, 1)}%`, pass: res.memory.soakGrowthPct < 10 });
    }
  }
  return out;
}
