/**
 * `GET /spend/budgets`: every budget with its spend in the window now; a budget of each key
 * listed per key that spent; a key sees only its own key's budgets.
 */
import { expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import { createTestGateway, mockProvider, sqliteStore, tempDbFile } from '@switchyard/test-kit';
import costTracker from '../src/index.js';

// keys from the bearer token; `sk-admin` is an admin
const keys = definePlugin({
  name: 'test-keys',
  apply(g) {
    g.hooks.authenticate.tapPromise('test-keys', async (r) => {
      const key = String(r.headers.authorization ?? '').slice(7);
      return key === 'sk-admin' ? { keyId: key, admin: true } : { keyId: key };
    });
  },
});

it('lists each budget against its limit, per key for a budget of each key, scoped to the caller', async () => {
  const budgets = [
    { scope: 'global' as const, maxBudget: 1, period: 'daily' },
    { scope: 'key' as const, maxBudget: 0.00001, period: 'monthly' },
    { scope: 'key' as const, id: 'sk-b', maxBudget: 5, period: 'total' },
  ];
  const t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), keys, costTracker({ budgets }), mockProvider()],
    models: [{ name: 'priced', provider: 'mock', model: 'lorem', inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 }],
  });
  try {
    const call = (key: string) =>
      fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'priced', max_tokens: 5, messages: [{ role: 'user', content: 'spend' }] }),
      });
    expect((await call('sk-a')).status).toBe(200);
    expect((await call('sk-b')).status).toBe(200);
    expect((await call('sk-b')).status).toBe(429); // its per-key monthly budget is spent
    const read = async (key: string) =>
      ((await (await fetch(`${t.origin}/spend/budgets`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: Array<Record<string, unknown>> }).data;
    const all = await read('sk-admin');
    const spentA = all.find((b) => b.scope === 'key' && b.id === 'sk-a' && b.per_value)!.spent as number;
    expect(spentA).toBeGreaterThan(0);
    expect(all.map((b) => [b.scope, b.id, b.per_value, b.exceeded])).toEqual([
      ['global', null, false, false],
      ['key', 'sk-a', true, true], // the same spend: in key order
      ['key', 'sk-b', true, true],
      ['key', 'sk-b', false, false],
    ]);
    expect(all[0]).toMatchObject({ max_budget: 1, period: 'daily', spent: expect.closeTo(spentA * 2, 12), remaining: expect.closeTo(1 - spentA * 2, 12) });
    expect(all[3]).toMatchObject({ window_start: null, max_budget: 5 });
    const own = await read('sk-a');
    expect(own.map((b) => [b.scope, b.id, b.per_value])).toEqual([['key', 'sk-a', true]]);
  } finally {
    await t.close();
  }
});
