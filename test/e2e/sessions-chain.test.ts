/**
 * The chain of a session's responses is in the sessions API without stored prompts: each
 * call carries its `response_id` and the `previous_response_id` it continued from, so a
 * reader (the console) can draw the chain, branches included.
 */
import { expect, it } from 'vitest';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile } from '@switchyard/test-kit';

it('records response_id and previous_response_id of every call of a Responses chain (prompts not stored)', async () => {
  const t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), responses(), mockProvider()] });
  try {
    const session = { metadata: { session_id: 'chain-1' } };
    const r1 = await t.client.responses.create({ model: 'mock/echo', input: 'first', ...session });
    const r2 = await t.client.responses.create({ model: 'mock/echo', input: 'second', previous_response_id: r1.id });
    const r3 = await t.client.responses.create({ model: 'mock/echo', input: 'third', previous_response_id: r2.id });
    const branch = await t.client.responses.create({ model: 'mock/echo', input: 'branch', previous_response_id: r1.id });
    const body = (await (await fetch(`${t.url}/sessions/chain-1`)).json()) as { calls: Array<{ response_id: string | null; previous_response_id: string | null; request?: unknown }> };
    expect(body.calls.map((c) => [c.response_id, c.previous_response_id])).toEqual([
      [r1.id, null],
      [r2.id, r1.id],
      [r3.id, r2.id],
      [branch.id, r1.id],
    ]);
    expect(body.calls.every((c) => c.request === null)).toBe(true);
  } finally {
    await t.close();
  }
});
