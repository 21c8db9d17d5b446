import { describe, expect, it } from 'vitest';
import { JSON_TOOL_NAME, stateOf, toBatchResult } from '@switchyard/provider-anthropic';

const batch = (over: Record<string, unknown>) => ({
  id: 'msgbatch_1',
  processing_status: 'ended' as const,
  request_counts: { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
  cancel_initiated_at: null,
  expires_at: '2026-01-02T00:00:00Z',
  ...over,
});

describe('Message Batches in OpenAI terms', () => {
  it('status and counts: in progress, canceling, ended completed / cancelled / expired', () => {
    expect(stateOf(batch({ processing_status: 'in_progress', request_counts: { processing: 3, succeeded: 1, errored: 1, canceled: 0, expired: 0 } }))).toEqual({
      id: 'msgbatch_1',
      status: 'in_progress',
      counts: { total: 5, completed: 1, failed: 1 },
      expiresAt: Date.parse('2026-01-02T00:00:00Z') / 1000,
    });
    expect(stateOf(batch({ processing_status: 'canceling' })).status).toBe('cancelling');
    expect(stateOf(batch({ request_counts: { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 } })).status).toBe('completed');
    expect(stateOf(batch({ cancel_initiated_at: '2026-01-01T00:00:00Z', request_counts: { processing: 0, succeeded: 1, errored: 0, canceled: 2, expired: 0 } }))).toMatchObject({ status: 'cancelled', counts: { total: 3, completed: 1, failed: 2 } });
    expect(stateOf(batch({ request_counts: { processing: 0, succeeded: 1, errored: 0, canceled: 0, expired: 4 } }))).toMatchObject({ status: 'expired', counts: { total: 5, completed: 1, failed: 4 } });
  });

  it('results as OpenAI output lines by line number: succeeded (JSON tool answer as content), errored, canceled, expired; foreign ids skipped', () => {
    const message = {
      id: 'msg_1',
      type: 'message' as const,
      role: 'assistant' as const,
      model: 'claude-sonnet-4-5',
      content: [{ type: 'tool_use' as const, id: 'toolu_1', name: JSON_TOOL_NAME, input: { a: 1 } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 3 },
    };
    const ok = toBatchResult('msgbatch_1', { custom_id: 'l12', result: { type: 'succeeded', message } })!;
    expect(ok).toMatchObject({ no: 12, id: 'batch_req_msgbatch_1_12', error: null, response: { status_code: 200, request_id: 'msg_1' } });
    expect(ok.response!.body).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: '{"a":1}' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 3 } });
    const err = toBatchResult('msgbatch_1', { custom_id: 'l2', result: { type: 'errored', error: { error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_9' } } })!;
    expect(err.response).toEqual({ status_code: 503, request_id: 'req_9', body: { error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: 'overloaded_error' } } });
    expect(toBatchResult('msgbatch_1', { custom_id: 'l3', result: { type: 'canceled' } })).toMatchObject({ no: 3, response: null, error: { code: 'batch_cancelled' } });
    expect(toBatchResult('msgbatch_1', { custom_id: 'l4', result: { type: 'expired' } })).toMatchObject({ no: 4, response: null, error: { code: 'batch_expired' } });
    expect(toBatchResult('msgbatch_1', { custom_id: 'someone-else', result: { type: 'expired' } })).toBeUndefined();
  });
});
