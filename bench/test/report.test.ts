/**
 * The table and goals from measured rows, without running anything: a run that left out
 * `direct` (or `floor`) still shows requests/s, with — where a figure needs the missing row.
 */
import { describe, expect, it } from 'vitest';
import type { TargetResult } from '../src/measure.js';
import { derive, goals, table, type Row } from '../src/report.js';

function result(rps: number, p50: number, p99: number): TargetResult {
  const latency = { n: 100, p50, p99 };
  return {
    saturation: { rps, latency },
    serial: { rps: rps / 10, latency },
    ttfc: { ttfc: { n: 10, p50, p99 } },
  } as unknown as TargetResult;
}

describe('bench report', () => {
  it('derives added latency over direct and ratios over the floor', () => {
    const rows: Row[] = [
      { target: 'direct', label: 'direct', status: 'ok', result: result(2000, 2, 3) },
      { target: 'floor', label: 'floor', status: 'ok', result: result(1000, 2.5, 4) },
      { target: 'production', label: 'production', status: 'ok', result: result(500, 3, 5) },
    ];
    derive(rows);
    expect(rows[2]!.derived).toMatchObject({ rps: 500, rpsVsFloor: 0.5, addedC1: { p50: 1, p99: 2 }, ttfcAdded: { p50: 1, p99: 2 } });
    expect(goals(rows, 1000).map((g) => [g.goal, g.pass])).toEqual([
      ['production ≥ 60% of floor req/s', false],
      ['production added p50 ≤ 1 ms @1', true],
      ['production added p99 ≤ 3 ms @1', true],
      ['production TTFC added p99 ≤ 5 ms @100 streams', true],
    ]);
  });

  it('without direct: requests/s and ratios are filled, added latency is —, latency goals are not judged', () => {
    const rows: Row[] = [
      { target: 'floor', label: 'floor', status: 'ok', result: result(1000, 2.5, 4) },
      { target: 'minimal', label: 'minimal', status: 'ok', result: result(600, 3, 5) },
      { target: 'production', label: 'production', status: 'ok', result: result(300, 4, 6) },
    ];
    derive(rows);
    const lines = table(rows, 1000).split('\n');
    expect(lines[3]).toMatch(/^\| minimal \| 600 \| 0\.60 \| — \| — \| — \| — \/ — \| — \/ — \| — \/ — \|/);
    expect(goals(rows, 1000).map((g) => g.goal)).toEqual(['minimal ≥ 90% of floor req/s', 'production ≥ 60% of floor req/s']);
  });

  it('a row with the floor measured around it: its ratio is shown and judged, the floor row ratio beside it', () => {
    const minimal = { ...result(800, 3, 5), floorAround: { before: 900, after: 700 } } as TargetResult;
    const rows: Row[] = [
      { target: 'floor', label: 'floor', status: 'ok', result: result(1000, 2.5, 4) },
      { target: 'minimal', label: 'minimal', status: 'ok', result: minimal },
    ];
    derive(rows);
    expect(rows[1]!.derived).toMatchObject({ rpsVsFloor: 0.8, rpsVsFloorAround: 1 });
    expect(rows[0]!.derived!.rpsVsFloorAround).toBeNaN();
    expect(table(rows, 1000).split('\n')[3]).toMatch(/^\| minimal \| 800 \| 0\.80 \| 1\.00 \|/);
    expect(goals(rows, 1000)[0]).toEqual({ goal: 'minimal ≥ 90% of floor req/s', measured: '100% against the floor around it (80% against the floor row)', pass: true });
  });
});
