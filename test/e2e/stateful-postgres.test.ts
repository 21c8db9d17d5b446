/**
 * The Responses API and the cost tracker on PostgreSQL (a real server started for this file):
 * the same queries as on SQLite, through the one Kysely query layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
