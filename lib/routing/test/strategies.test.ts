import { describe, expect, it } from 'vitest';
import { GatewayError, type Deployment } from '@switchyard/core';
import { createMemoryState } from '../src/state.js';
import { createRouter } from '../src/router.js';
import { STRATEGIES } from '../src/strategies/index.js';

/** A seeded PRNG (mulberry32), so distributions are the same on every run. */
function seeded(seed = 42): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dep = (id: string, extra: Partial<Deployment> = {}): Deployment => ({ id, name: 'm', provider: 'openai', model: 'm', options: {}, ...extra });

function firstPicks(order: () => Deployment[], n = 10_000): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = order()[0]!.id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('router strategies', () => {
  it('simple-shuffle follows weight, else rpm, and returns every deployment once', () => {
    const state = createMemoryState();
    const random = seeded();
    const ds = [dep('a', { weight: 2 }), dep('b', { weight: 1 }), dep('c', { weight: 1 })];
    const counts = firstPicks(() => STRATEGIES['simple-shuffle']({ candidates: ds, state, stream: false, random, price: () => undefined }));
    expect(counts.a! / 10_000).toBeCloseTo(0.5, 1);
    expect(counts.b! / 10_000).toBeCloseTo(0.25, 1);
    const order = STRATEGIES['simple-shuffle']({ candidates: ds, state, stream: false, random, price: () => undefined });
    expect(order.map((d) => d.id).sort()).toEqual(['a', 'b', 'c']);
    const byRpm = firstPicks(() => STRATEGIES['simple-shuffle']({ candidates: [dep('x', { rpm: 900 }), dep('y', { rpm: 100 })], state, stream: false, random, price: () => undefined }));
    expect(byRpm.x! / 10_000).toBeCloseTo(0.9, 1);
  });

  it('least-busy picks the deployment with the fewest calls in flight', () => {
    const state = createMemoryState();
    const ds = [dep('a'), dep('b'), dep('c')];
    state.begin('a');
    state.begin('a');
    state.begin('c');
    const order = STRATEGIES['least-busy']({ candidates: ds, state, stream: false, random: seeded(), price: () => undefined });
    expect(order.map((d) => d.id)).toEqual(['b', 'c', 'a']);
  });

  it('latency-based ranks by recent latency (time to first chunk for streams), unmeasured first', () => {
    const state = createMemoryState();
    state.begin('a');
    state.end('a', { ok: true, latencyMs: 300 });
    state.begin('b');
    state.end('b', { ok: true, latencyMs: 100 });
    state.begin('b');
    state.end('b', { ok: true, latencyMs: 900, ttftMs: 500 });
    state.begin('a');
    state.end('a', { ok: true, latencyMs: 900, ttftMs: 50 });
    const ds = [dep('a'), dep('b'), dep('c')];
    const input = { candidates: ds, state, random: seeded(), price: () => undefined };
    expect(STRATEGIES['latency-based']({ ...input, stream: false }).map((d) => d.id)).toEqual(['c', 'b', 'a']);
    expect(STRATEGIES['latency-based']({ ...input, stream: true }).map((d) => d.id)).toEqual(['c', 'a', 'b']);
  });

  it('usage-based puts the deployment with the most room under rpm/tpm first, a full one last', () => {
    let now = 1_000_000 * 60_000;
    const state = createMemoryState(() => now);
    const ds = [dep('a', { rpm: 10 }), dep('b', { rpm: 100 }), dep('c', { tpm: 1000 })];
    for (let i = 0; i < 10; i++) state.begin('a'); // a: 10/10 = full
    for (let i = 0; i < 30; i++) state.begin('b'); // b: 30%
    state.begin('c');
    state.end('c', { ok: true, latencyMs: 1, tokens: 100 }); // c: 10%
    const order = STRATEGIES['usage-based']({ candidates: ds, state, stream: false, random: seeded(), price: () => undefined });
    expect(order.map((d) => d.id)).toEqual(['c', 'b', 'a']);
    now += 120_000; // two minutes on: all usage has left the sliding window
    expect(state.usage('a').requests).toBe(0);
  });

  it('cost-based picks the cheapest priced deployment under its limits', () => {
    const state = createMemoryState();
    const ds = [dep('pricey', { pricing: { inputCostPerToken: 5e-6, outputCostPerToken: 15e-6 } }), dep('cheap', { rpm: 1, pricing: { inputCostPerToken: 1e-7, outputCostPerToken: 4e-7 } }), dep('unknown'), dep('mid', { pricing: { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } })];
    const router = createRouter({ strategy: 'cost-based' }, state, { random: seeded() });
    expect(router.order(ds, false).map((d) => d.id)).toEqual(['cheap', 'mid', 'pricey', 'unknown']);
    state.begin('cheap'); // its rpm of 1 is used up
    expect(router.order(ds, false).map((d) => d.id)).toEqual(['mid', 'pricey', 'unknown', 'cheap']);
  });
});

describe('router cooldowns', () => {
  const err = (status: number) => new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `upstream ${status}`, { status });

  it('cools a deployment down after allowedFails failures within a minute, then lets it back', () => {
    let now = 5_000_000;
    const router = createRouter({ allowedFails: 2, cooldownMs: 1_000 }, createMemoryState(() => now), { random: seeded(), clock: () => now });
    const ds = [dep('a'), dep('b')];
    router.failed(ds[0]!, err(500), 2);
    router.failed(ds[0]!, err(500), 2);
    expect(router.cooling(ds[0]!)).toBe(false);
    router.failed(ds[0]!, err(500), 2);
    expect(router.cooling(ds[0]!)).toBe(true);
    for (let i = 0; i < 20; i++) expect(router.order(ds, false).map((d) => d.id)).toEqual(['b']);
    expect(router.health(ds)[0]).toMatchObject({ id: 'a', cooling_until: now + 1_000, last_error: '500 upstream 500' });
    now += 1_001;
    expect(router.cooling(ds[0]!)).toBe(false);
    expect(router.order(ds, false)).toHaveLength(2);
  });

  it('a 429 cools down at once; the only deployment of a model never cools down; all cooling means try them anyway', () => {
    const now = 9_000_000;
    const router = createRouter({ allowedFails: 5, cooldownMs: 10_000 }, createMemoryState(() => now), { clock: () => now });
    const [a, b] = [dep('a'), dep('b')];
    router.failed(a, err(429), 2);
    expect(router.cooling(a)).toBe(true);
    router.failed(b, err(429), 1);
    expect(router.cooling(b)).toBe(false);
    router.failed(b, err(429), 2);
    expect(router.order([a, b], false)).toHaveLength(2);
  });
});
