/**
 * Budgets at their edges: each call costs exactly $1 (8 output tokens at $0.125), so a budget
 * between one and two calls' cost, a budget exactly reached, and spend still queued for
 * writing each have one right answer.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import costTracker from '@switchyard/cost-tracker';
import mockProvider from '@switchyard/provider-mock';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, writeGate, type TestGateway } from '@switchyard/test-kit';

// keys from the bearer token (a key-management plugin would do this)
const keys = definePlugin({
  name: 'test-keys',
  apply: (g) => g.hooks.authenticate.tapPromise('test-keys', async (r) => ({ keyId: String(r.headers.authorization ?? '').slice(7) })),
});

describe('cost tracker budgets', () => {
  let t: TestGateway;
  const gate = writeGate();
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [
        sqliteStore({ file: tempDbFile() }),
        gate,
        keys,
        costTracker({
          budgets: [
            { scope: 'key', id: 'sk-two', maxBudget: 2, period: 'total' },
            { scope: 'key', id: 'sk-one-and-a-half', maxBudget: 1.5, period: 'total' },
            { scope: 'key', id: 'sk-half', maxBudget: 0.5, period: 'total' },
          ],
        }),
        mockProvider(),
      ],
      models: [{ name: 'dollar', provider: 'mock', model: 'lorem', inputCostPerToken: 0, outputCostPerToken: 0.125 }],
    });
  });
  afterAll(() => t.close());

  const clientFor = (key: string) => new OpenAI({ apiKey: key, baseURL: t.url, maxRetries: 0 });
  /** One $1 call; resolves with its cost header, or the error it failed with. */
  const call = async (client: OpenAI) => {
    try {
      const { response } = await client.chat.completions.create({ model: 'dollar', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).withResponse();
      return Number(response.headers.get('x-switchyard-response-cost'));
    } catch (err) {
      return err;
    }
  };
  const refused = { status: 429, code: 'budget_exceeded', type: 'rate_limit_error' };

  it('lets a call through below the budget and refuses the one after it is exactly reached', async () => {
    const client = clientFor('sk-two');
    expect(await call(client)).toBe(1);
    await t.gateway.flush();
    expect(await call(client)).toBe(1);
    await t.gateway.flush();
    expect(await call(client)).toMatchObject(refused); // spent $2 of $2
  });

  it('counts a flushed call once: a budget between one and two calls lets the second through, refuses the third', async () => {
    const client = clientFor('sk-one-and-a-half');
    expect(await call(client)).toBe(1);
    await t.gateway.flush();
    expect(await call(client)).toBe(1); // spent $1 of $1.5
    await t.gateway.flush();
    const err = await call(client);
    expect(err).toMatchObject(refused);
    expect((err as Error).message).toContain('spent $2.000000 of $1.5');
  });

  it('counts spend still queued for writing: the next call is refused without a flush', async () => {
    const client = clientFor('sk-half');
    gate.hold();
    try {
      expect(await call(client)).toBe(1);
      await gate.held(1); // the spend row is queued, not committed
      expect(await call(client)).toMatchObject(refused);
    } finally {
      gate.release();
    }
    await t.gateway.flush();
    expect(await call(client)).toMatchObject(refused); // and once committed, still counted once
  });
});
