/**
 * A session of 1,000 calls among 10,000 others on SQLite: `GET /v1/sessions/{id}` returns all
 * of them in order. Prints how long it takes (the target is well under 100 ms); asserts
 * correctness only, never time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createCallContext } from '@switchyard/core';
import { callRowOf, writeCall, type CallRow } from '../src/call-log.js';
import sessionTracker, { getSession } from '@switchyard/session-tracker';
import { createTestGateway, sqliteStore } from '@switchyard/test-kit';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-sessions-1000-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function row(session: string, i: number): CallRow {
  const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions', sessionId: session });
  ctx.model = 'mock/echo';
  ctx.usage = { prompt_tokens: 100 + i, completion_tokens: 20, total_tokens: 120 + i };
  ctx.cost = 0.0001;
  ctx.firstTokenAt = ctx.startedAt + 5;
  ctx.endedAt = ctx.startedAt + 9;
  const r = callRowOf(
    {
      ctx,
      request: { model: 'mock/echo', messages: [{ role: 'user', content: `question ${i} `.repeat(40) }] },
      response: { id: `c${i}`, object: 'chat.completion', created: 0, model: 'echo', choices: [{ index: 0, message: { role: 'assistant', content: `answer ${i}` }, finish_reason: 'stop', logprobs: null }] },
      outcome: 'ok',
      status: 200,
    },
    true,
  );
  return { ...r, started_at: 1_700_000_000_000 + i * 1000 };
}

it('answers a 1,000-call session with every call in order (time printed)', { timeout: 120_000 }, async () => {
  const t = await createTestGateway({ dataDir: dir, plugins: [sqliteStore(), sessionTracker()] });
  try {
    const store = t.gateway.services.store!;
    await store.transaction(async (trx) => {
      for (let i = 0; i < 10_000; i++) await writeCall(trx, row(`noise-${i % 200}`, i));
      for (let i = 0; i < 1000; i++) await writeCall(trx, row('big-session', i));
    });
    const timings: number[] = [];
    let body: { call_count: number; calls: Array<{ usage: { input_tokens: number } }>; conversation: unknown[] } | undefined;
    for (let run = 0; run < 7; run++) {
      const t0 = performance.now();
      const res = await fetch(`${t.url}/sessions/big-session`);
      body = (await res.json()) as typeof body;
      timings.push(performance.now() - t0);
    }
    const lean: number[] = [];
    for (let run = 0; run < 7; run++) {
      const t0 = performance.now();
      await (await fetch(`${t.url}/sessions/big-session?include_bodies=false`)).json();
      lean.push(performance.now() - t0);
    }
    const query: number[] = [];
    for (let run = 0; run < 7; run++) {
      const t0 = performance.now();
      const detail = await getSession(store, '', 'big-session', { bodies: false });
      query.push(performance.now() - t0);
      expect(detail!.calls.length).toBe(1000);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
    console.log(`GET /v1/sessions/{id}, 1,000 calls among 11,000 on SQLite: median ${median(timings)} ms with bodies, ${median(lean)} ms without (HTTP round trip included); the query alone ${median(query)} ms`);
    expect(body!.call_count).toBe(1000);
    expect(body!.calls.map((c) => c.usage.input_tokens)).toEqual(Array.from({ length: 1000 }, (_, i) => 100 + i));
    expect(body!.conversation.length).toBe(2000);
  } finally {
    await t.close();
  }
});
