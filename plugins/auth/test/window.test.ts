import { describe, expect, it } from 'vitest';
import { budgetPeriod, durationMs } from '../src/durations.js';
import { presentedKey } from '../src/credentials.js';
import { abbreviate, hashKey, newKey, sameKey } from '../src/keys.js';
import { memoryLimiter } from '../src/limiter/memory.js';
import { refusalOf } from '../src/limiter/window.js';

describe('sliding windows', () => {
  const W = 60_000;
  it('counts an event while now - t < window, and says exactly when there is room', () => {
    const check = { scope: 'key:k', rpm: 2, tpm: null };
    expect(refusalOf(check, { requests: [0], tokens: [] }, 10, W)).toBeUndefined();
    expect(refusalOf(check, { requests: [0, 5], tokens: [] }, 10, W)).toMatchObject({ kind: 'requests', used: 2, retryAfterMs: W - 10 });
    expect(refusalOf({ ...check, rpm: 0 }, { requests: [], tokens: [] }, 10, W)).toMatchObject({ retryAfterMs: W });
    const tpm = { scope: 'key:k', rpm: null, tpm: 10 };
    expect(refusalOf(tpm, { requests: [], tokens: [[0, 4], [1, 5]] }, 2, W)).toBeUndefined();
    expect(refusalOf(tpm, { requests: [], tokens: [[0, 4], [1, 6], [2, 3]] }, 3, W)).toMatchObject({ kind: 'tokens', used: 13, retryAfterMs: W - 3 });
  });

  it('the memory limiter admits all scopes or none, and forgets an event at exactly t + window', async () => {
    const l = memoryLimiter(W);
    const checks = [
      { scope: 'key:a', rpm: 5, tpm: null },
      { scope: 'team:t', rpm: 1, tpm: null },
    ];
    expect((await l.admit(checks, 0)).ok).toBe(true);
    const refused = await l.admit(checks, 1);
    expect(refused).toMatchObject({ ok: false, refusal: { scope: 'team:t', retryAfterMs: W - 1 } });
    const key = await l.admit([checks[0]!], 2);
    expect(key).toMatchObject({ ok: true, windows: [{ scope: 'key:a', requests: 2 }] }); // the refused call counted nowhere
    expect((await l.admit(checks, W - 1)).ok).toBe(false);
    expect((await l.admit(checks, W)).ok).toBe(true);
    await l.addTokens(['key:b'], 7, 100);
    await l.addTokens(['key:b'], 3, 50); // a clock that stepped back keeps the window ordered
    expect(await l.admit([{ scope: 'key:b', rpm: null, tpm: 10 }], 120)).toMatchObject({ ok: false, refusal: { retryAfterMs: 50 + W - 120 } });
    await l.close();
  });
});

describe('durations and budget periods', () => {
  it("reads LiteLLM's durations", () => {
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('20m')).toBe(1_200_000);
    expect(durationMs('1h')).toBe(3_600_000);
    expect(durationMs('30d')).toBe(2_592_000_000);
    expect(durationMs('1mo')).toBe(2_592_000_000);
    for (const bad of ['', '0d', '5', '1 d', 'd', '1x', '-1d']) expect(durationMs(bad)).toBeUndefined();
  });
  it('resets every duration from the anchor', () => {
    expect(budgetPeriod(1000, '1h', 1000)).toEqual({ start: 1000, resetAt: 3_601_000 });
    expect(budgetPeriod(1000, '1h', 3_600_999)).toEqual({ start: 1000, resetAt: 3_601_000 });
    expect(budgetPeriod(1000, '1h', 3_601_000)).toEqual({ start: 3_601_000, resetAt: 7_201_000 });
    expect(budgetPeriod(1000, null, 5)).toBeUndefined();
  });
});

describe('keys', () => {
  it('reads the key from Bearer, api-key or x-api-key, and refuses a malformed Authorization', () => {
    expect(presentedKey({ authorization: 'Bearer sk-1' })).toBe('sk-1');
    expect(presentedKey({ authorization: 'Bearer sk-1', 'x-api-key': 'sk-2' })).toBe('sk-1');
    expect(presentedKey({ 'api-key': 'sk-3' })).toBe('sk-3');
    expect(presentedKey({ 'x-api-key': ' sk-4 ' })).toBe('sk-4');
    expect(presentedKey({})).toBeUndefined();
    expect(() => presentedKey({ authorization: 'Basic abc' })).toThrow(/Bearer/);
    expect(() => presentedKey({ authorization: 'Bearer a b' })).toThrow();
  });
  it('makes random sk- keys, stores a hash, shows the last 4, compares in constant time', () => {
    const k = newKey();
    expect(k).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(newKey()).not.toBe(k);
    expect(hashKey(k)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(k)).not.toContain(k.slice(3, 10));
    expect(abbreviate(k)).toBe(`sk-...${k.slice(-4)}`);
    expect(sameKey(k, k)).toBe(true);
    expect(sameKey(k, `${k}x`)).toBe(false);
    expect(sameKey('', k)).toBe(false);
  });
});
