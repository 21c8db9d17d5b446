/**
 * The Responses and Conversations APIs and the cost tracker on PostgreSQL (a real server
 * started for this file): the same queries as on SQLite, through the one Kysely query layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import conversations from '@switchyard/conversations';
import costTracker from '@switchyard/cost-tracker';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import postgresStore from '@switchyard/store-postgres';
import { createTestGateway, startPostgres, type TestPostgres } from '@switchyard/test-kit';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describe('responses and cost on PostgreSQL', () => {
  it('chains responses, keeps sessions, prices calls and reports spend, across two gateways', async () => {
    const url = await server.createDatabase('stateful');
    const plugins = () => [
      postgresStore({ connectionString: url, poolSize: 4 }),
      sessionTracker(),
      responses({ secret: 'shared-secret-for-both-gateways' }),
      costTracker(),
      mockProvider(),
    ];
    const models = [{ name: 'priced', provider: 'mock', model: 'transcript', inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 }];
    const [a, b] = await Promise.all([createTestGateway({ plugins: plugins(), models }), createTestGateway({ plugins: plugins(), models })]);
    try {
      const r1 = await a.client.responses.create({ model: 'priced', input: 'one' });
      const r2 = await b.client.responses.create({ model: 'priced', input: 'two', previous_response_id: r1.id });
      const r3 = await a.client.responses.create({ model: 'priced', input: 'three', previous_response_id: r2.id });
      expect(r3.output_text).toBe('one | two | three');
      expect((await b.client.responses.inputItems.list(r3.id)).data).toHaveLength(1);
      await Promise.all([a.gateway.flush(), b.gateway.flush()]);
      const report = (await (await fetch(`${b.origin}/spend/report?group_by=session`)).json()) as { data: Array<{ group: string; requests: number; cost: number }> };
      const session = report.data.find((r) => r.group === r1.id)!;
      expect(session.requests).toBe(3);
      expect(session.cost).toBeGreaterThan(0);
      const detail = (await (await fetch(`${a.origin}/v1/sessions/${r1.id}`)).json()) as { calls: Array<{ endpoint: string; cost: number | null }> };
      expect(detail.calls.map((c) => c.endpoint)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);
      expect(detail.calls.every((c) => typeof c.cost === 'number' && c.cost > 0)).toBe(true); // the call log has the cost
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('conversations on PostgreSQL', () => {
  it('two gateways share conversations: concurrent turns numbered without gaps or collisions, a LiteLLM id started once, one session with its cost', async () => {
    const url = await server.createDatabase('conversations');
    const plugins = () => [postgresStore({ connectionString: url, poolSize: 4 }), sessionTracker(), responses({ secret: 'shared-secret-for-both-gateways' }), conversations(), costTracker(), mockProvider()];
    const models = [{ name: 'priced', provider: 'mock', model: 'transcript', inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 }];
    const [a, b] = await Promise.all([createTestGateway({ plugins: plugins(), models }), createTestGateway({ plugins: plugins(), models })]);
    try {
      const conv = await a.client.conversations.create({ metadata: { db: 'pg' }, items: [{ type: 'message', role: 'user', content: 'seed' }] });
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).client.responses.create({ model: 'priced', conversation: conv.id, input: `turn ${i}` })));
      const items = [];
      for await (const item of b.client.conversations.items.list(conv.id, { order: 'asc', limit: 3 })) items.push(item);
      expect(items).toHaveLength(21);
      expect(new Set(items.map((i) => i.id)).size).toBe(21);
      const roles = items.slice(1).map((i) => (i.type === 'message' ? i.role : i.type));
      expect(roles).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 'assistant' : 'user'))); // each turn whole: input, then output
      const last = await a.client.responses.create({ model: 'priced', conversation: conv.id, input: 'last' });
      expect(last.output_text.split(' | ')).toHaveLength(12);

      const litellm = `litellm_conv_id_${crypto.randomUUID()}`;
      const firsts = await Promise.all([a, b].map((g, i) => g.client.responses.create({ model: 'priced', conversation: litellm, input: `racer ${i}` })));
      expect(firsts.every((r) => r.conversation?.id === litellm)).toBe(true);
      expect((await a.client.conversations.items.list(litellm, { limit: 100 })).data).toHaveLength(4); // one conversation, both turns

      await Promise.all([a.gateway.flush(), b.gateway.flush()]);
      const report = (await (await fetch(`${b.origin}/spend/report?group_by=session`)).json()) as { data: Array<{ group: string; requests: number; cost: number }> };
      const session = report.data.find((r) => r.group === conv.id)!;
      expect(session.requests).toBe(11);
      expect(session.cost).toBeGreaterThan(0);
      await b.client.conversations.delete(conv.id);
      expect(await a.client.conversations.items.list(conv.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
