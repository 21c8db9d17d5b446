/**
 * The benchmark runs end to end (upstream, floor and gateway processes, load generator) and
 * produces the table and the JSON record. It checks shape, never speed, on a plan tinier than
 * `--quick` (CI runs `npm run bench -- --quick` itself, outside the unit suite).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench, type BenchRecord } from '../src/bench.js';
import type { Plan } from '../src/plan.js';

// every scenario, each as small as still means something: a second of load, a handful of
// streams, open streams of one word paced at 300 ms (each open ~1.5 s) instead of 1 s
const TINY: Plan = {
  warmup: { seconds: 1, connections: 2 },
  saturation: { seconds: 1, connections: 4 },
  large: { seconds: 1, connections: 2 },
  serial: { seconds: 1 },
  ttfc: { concurrency: 2, perWorker: 2, staggerMs: 10 },
  soak: { half: 50, connections: 4 },
  open: { count: 5, words: 1 },
};

const outDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('npm run bench', () => {
  it('measures direct, floor and the minimal gateway and writes the table and JSON', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    const record = await runBench({ quick: true, plan: TINY, upstream: { idlePaceMs: 300 }, mode: 'source', targets: ['direct', 'floor', 'minimal'], outDir, log: (l) => lines.push(l) });

    expect(record.rows.map((r) => [r.target, r.status])).toEqual([
      ['direct', 'ok'],
      ['floor', 'ok'],
      ['minimal', 'ok'],
    ]);
    for (const row of record.rows) {
      const res = row.result!;
      expect(res.saturation.requests).toBeGreaterThan(0);
      expect(res.saturation.non2xx + res.saturation.errors).toBe(0);
      expect(res.serial.latency.n).toBeGreaterThan(0);
      expect(res.serial.latency.p99).toBeGreaterThanOrEqual(res.serial.latency.p50);
      expect(res.ttfc.streams).toBe(record.plan.ttfc.concurrency * record.plan.ttfc.perWorker);
      expect(res.ttfc.errors).toBe(0);
      expect(Number.isFinite(row.derived!.rpsVsFloor)).toBe(true);
      // the large-body scenario: 4 KB echoed whole and in 400 chunks, every answer a 2xx
      expect(res.large!.whole.requests).toBeGreaterThan(0);
      expect(res.large!.streamed.requests).toBeGreaterThan(0);
      expect(Number.isFinite(row.derived!.largeVsFloor.streamed)).toBe(true);
    }
    // CPU per request is read from /proc for the processes the bench started (not direct's upstream)
    expect(record.rows[0]!.result!.cpuUs).toBeUndefined();
    for (const row of record.rows.slice(1)) expect(row.result!.cpuUs).toBeGreaterThan(0);
    const floor = record.rows[1]!;
    expect(floor.derived!.rpsVsFloor).toBe(1);
    // the gateway row's saturation is bracketed by the reference floor; direct and floor are not
    const minimal = record.rows[2]!;
    expect(minimal.result!.floorAround!.before).toBeGreaterThan(0);
    expect(minimal.result!.floorAround!.after).toBeGreaterThan(0);
    expect(minimal.derived!.rpsVsFloorAround).toBeCloseTo((2 * minimal.derived!.rps) / (minimal.result!.floorAround!.before + minimal.result!.floorAround!.after), 2);
    expect(record.rows[0]!.result!.floorAround).toBeUndefined();
    expect(floor.result!.floorAround).toBeUndefined();
    for (const row of record.rows.slice(1)) {
      const { memory, open } = row.result!;
      expect(memory!.peakMb).toBeGreaterThan(10);
      expect(memory!.soakRequests).toBe(2 * record.plan.soak.half);
      expect(open!.maxOpen).toBe(record.plan.open.count);
      expect(open!.completed).toBe(record.plan.open.count);
      expect(open!.errors).toBe(0);
      const fresh = row.result!.openFresh!;
      expect(fresh.maxOpen).toBe(record.plan.open.count);
      expect(fresh.errors).toBe(0);
    }
    expect(record.rows[0]!.result!.memory).toBeUndefined();

    const tableLines = record.table.split('\n');
    expect(tableLines[0]).toMatch(/^\| target \| req\/s @64 \| × floor \| × floor around it \| CPU µs\/req \| large body req\/s \(× floor\): whole · 400 chunks \|/);
    expect(tableLines).toHaveLength(2 + record.rows.length);
    expect(tableLines[3]).toMatch(/^\| floor: bare Node proxy \| \d+ \| 1\.00 \| — \| \d+ \| \d+ \(1\.00\) · \d+ \(1\.00\) \|/);

    expect(record.goals.map((g) => g.goal)).toEqual([
      'minimal ≥ 90% of floor req/s',
      'minimal large body ≥ 75% of floor req/s',
      'minimal added p50 ≤ 0.5 ms @1',
      'minimal TTFC added p99 ≤ 5 ms @100 streams',
    ]);
    expect(record.quick).toBe(true);
    const saved = JSON.parse(readFileSync(record.file!, 'utf8')) as BenchRecord;
    expect(saved.rows.map((r) => r.target)).toEqual(['direct', 'floor', 'minimal']);
    expect(saved.table).toBe(record.table);
    expect(existsSync(path.join(outDir, 'latest.json'))).toBe(true);
    expect(lines.some((l) => l.startsWith('production plugins:'))).toBe(true);
  });
});
