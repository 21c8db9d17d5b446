import { describe, expect, it } from 'vitest';
import { createGateway, memoryDiagnostics } from '../src/index.js';
import { fixedProvider, hi } from './helpers.js';

describe('the model table', () => {
  it('spreads calls across the deployments of one name (simple-shuffle, the default strategy)', async () => {
    const gateway = await createGateway(
      {
        plugins: [fixedProvider()],
        models: [
          { name: 'pool', provider: 'fixed', model: 'a' },
          { name: 'pool', provider: 'fixed', model: 'b' },
          { name: 'pool', provider: 'fixed', model: 'c' },
        ],
      },
      { diagnostics: memoryDiagnostics() },
    );
    const picked: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const out = await gateway.call({ body: hi('x', 'pool') });
      const id = out.ctx.deployment!.model;
      picked[id] = (picked[id] ?? 0) + 1;
    }
    // equal shares: each of the three gets about 100 of 300 (far outside chance below 50)
    expect(Object.keys(picked).sort()).toEqual(['a', 'b', 'c']);
    for (const n of Object.values(picked)) expect(n).toBeGreaterThan(50);
    await gateway.close();
  });
});
