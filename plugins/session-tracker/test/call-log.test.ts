import { describe, expect, it } from 'vitest';
import { createCallContext, toCallRecord, type CallEvent } from '@switchyard/core';
import { callRowOf } from '../src/call-log.js';

describe('the call log', () => {
  it("keeps a call under the id every logger's record has", () => {
    const event: CallEvent = { ctx: createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions' }), request: { model: 'm', messages: [] }, outcome: 'ok', status: 200 };
    const record = toCallRecord(event);
    expect(callRowOf(event, false).id).toBe(`call_${record.id.replaceAll('-', '')}`);
  });

  it('keeps the attempts of a call that took several, none for one attempt', () => {
    const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions' });
    const d = (id: string) => ({ id, name: 'm', provider: 'openai', model: 'm', options: {} });
    ctx.attempts.push({ deployment: d('a'), startedAt: 1, endedAt: 2, status: 503 });
    const event: CallEvent = { ctx, request: undefined, outcome: 'ok', status: 200 };
    expect(callRowOf(event, false).attempts).toBeNull();
    ctx.attempts.push({ deployment: d('b'), startedAt: 2, endedAt: 3, status: 200 });
    expect(JSON.parse(callRowOf(event, false).attempts!)).toEqual([
      { deployment: 'a', status: 503, error: null, started_at: 1, ended_at: 2 },
      { deployment: 'b', status: 200, error: null, started_at: 2, ended_at: 3 },
    ]);
  });
});
