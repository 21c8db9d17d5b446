import { describe, expect, it } from 'vitest';
import { createGateway, memoryDiagnostics } from '../src/index.js';
import { fixedProvider, hi } from './helpers.js';

describe('the model table', () => {
  it('round-robins across the deployments of one name, in config order', async () => {
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
    const picked: string[] = [];
    for (let i = 0; i < 7; i++) {
      const out = await gateway.call({ body: hi('x', 'pool') });
      if (out.type !== 'completion') throw new Error('expected a completion');
      picked.push(out.body.model);
    }
    expect(picked).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    await gateway.close();
  });
});
