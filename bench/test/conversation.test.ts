/**
 * The long-conversation scenario runs end to end (upstream and three gateway processes) and
 * writes its table and JSON. Shape only, never speed, on a conversation of six turns.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConversationBench, type ConversationBenchRecord } from '../src/conversation.js';

const outDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-conv-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('npm run bench -- --scenario conversation', () => {
  it('measures every turn of a conversation bridged, native and as a previous_response_id chain', { timeout: 180_000 }, async () => {
    const record = await runConversationBench({ turns: 6, warmUp: 1, mode: 'source', outDir, log: () => undefined });
    expect(record.rows.map((r) => [r.label, r.items])).toEqual([
      ['conversation, bridged', 12],
      ['conversation, native', 12],
      ['previous_response_id, bridged', 6],
    ]);
    for (const r of record.rows) {
      for (const w of [r.first, r.middle, r.last]) {
        expect(w.n).toBe(2);
        expect(w.p50).toBeGreaterThan(0);
      }
      expect(r.growth).toBeCloseTo(r.last.p50 / r.first.p50, 2);
    }
    expect(record.table.split('\n')).toHaveLength(5);
    expect(existsSync(record.file!)).toBe(true);
    expect((JSON.parse(readFileSync(record.file!, 'utf8')) as ConversationBenchRecord).table).toBe(record.table);
  });
});
