import { describe, expect, it } from 'vitest';
import { compactTimeOrderedId, timeOrderedId } from '../src/ids.js';
import { requestIdFrom } from '../src/runner/context.js';

const V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('time-ordered ids', () => {
  it('have the UUIDv7 layout: the current millisecond, version 7, the RFC variant, random bits', () => {
    const before = Date.now();
    const id = timeOrderedId();
    const after = Date.now();
    const m = V7.exec(id);
    expect(m, id).not.toBeNull();
    const ms = parseInt(m![1]! + m![2]!, 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('are unique and sort by time across many ids (pool refills included), dashed and compact', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => (i % 2 ? timeOrderedId() : compactTimeOrderedId()));
    expect(new Set(ids).size).toBe(ids.length);
    const plain = ids.map((id) => id.replaceAll('-', ''));
    for (const id of plain) expect(id).toMatch(/^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    const stamps = plain.map((id) => id.slice(0, 12));
    expect([...stamps].sort()).toEqual(stamps);
    // the random digits are spread over all 16 values (not a constant or a stuck pool)
    const digits = new Set(plain.flatMap((id) => [...id.slice(13)]));
    expect(digits.size).toBe(16);
  });

  it('request ids: the client’s when sane, else req_ and 32 hex digits', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('bad id with spaces')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(requestIdFrom(undefined)).toMatch(/^req_[0-9a-f]{12}7/);
  });
});
