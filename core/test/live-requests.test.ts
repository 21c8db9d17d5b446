import { describe, expect, it } from 'vitest';
import { LiveRequests } from '../src/http/live.js';

describe('LiveRequests', () => {
  it('knows the signal of a request while it is served, and only then', () => {
    const live = new LiveRequests();
    const ac = new AbortController();
    expect(live.serves(ac.signal)).toBe(false);
    live.add(ac);
    expect(live.serves(ac.signal)).toBe(true);
    expect(live.serves(new AbortController().signal)).toBe(false);
    expect(live.serves(undefined)).toBe(false);
    expect([...live]).toEqual([ac]);
    live.delete(ac);
    expect(live.serves(ac.signal)).toBe(false);
    expect(live.size).toBe(0);
  });
});
