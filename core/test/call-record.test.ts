import { describe, expect, it } from 'vitest';
import { createCallContext, timeOrderedId, toCallRecord, type CallEvent } from '@switchyard/core';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('call records', () => {
  it('time-ordered ids have the UUIDv7 layout, carry the time, sort by it and do not repeat', async () => {
    const before = Date.now();
    const first = Array.from({ length: 1000 }, timeOrderedId);
    await new Promise((resolve) => setTimeout(resolve, 3));
    const later = timeOrderedId();
    for (const id of first) expect(id).toMatch(UUID_V7);
    expect(new Set(first).size).toBe(1000);
    const ms = parseInt(first[0]!.replace('-', '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
    expect(first.every((id) => id < later)).toBe(true);
  });

  it("one call has one id in every logger's record (the call log row too: session-tracker's call-log test)", () => {
    const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions' });
    expect(ctx.requestId).toMatch(/^req_[0-9a-f]{12}7[0-9a-f]{19}$/);
    const event: CallEvent = { ctx, request: { model: 'm', messages: [] }, outcome: 'ok', status: 200 };
    const a = toCallRecord(event);
    const b = toCallRecord(event, { redact: true });
    expect(a.id).toMatch(UUID_V7);
    expect(b.id).toBe(a.id);
    const other = toCallRecord({ ...event, id: undefined });
    expect(other.id).not.toBe(a.id);
  });

  it('is built once per call: every logger and the call log get the same record (and one copy with bodies)', () => {
    const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions' });
    const event: CallEvent = { ctx, request: { model: 'm', messages: [{ role: 'user', content: 'secret prompt' }] }, outcome: 'error', status: 499 };
    const bare = toCallRecord(event, { redact: true });
    expect(toCallRecord(event, { redact: true })).toBe(bare);
    expect(toCallRecord(event, { storePrompts: false })).toBe(bare);
    expect(bare).toMatchObject({ status: 499, outcome: 'error' });
    expect(bare).not.toHaveProperty('request');
    const full = toCallRecord(event, { redact: false });
    expect(toCallRecord(event)).toBe(full);
    expect(full).toMatchObject({ ...bare, request: event.request });
  });
});
