/**
 * The router as a plugin: the core loads it unless a plugin provides `router`, it reads the
 * config's `router:` section and builds over the `routerState` another plugin provides.
 */
import { describe, expect, it } from 'vitest';
import { createGateway, definePlugin, memoryDiagnostics, type AttemptEnd, type Deployment, type Router, type RouterState } from '@switchyard/core';
import { mockProvider } from '@switchyard/test-kit';
import { router } from '../src/index.js';

const models = [
  { name: 'm', id: 'a', provider: 'mock', model: 'echo' },
  { name: 'm', id: 'b', provider: 'mock', model: 'echo' },
];
const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const diagnostics = memoryDiagnostics();

/** A router state that records what the router told it (and knows nothing else). */
function recordingState(): RouterState & { begun: string[]; ended: Array<[string, AttemptEnd]> } {
  const begun: string[] = [];
  const ended: Array<[string, AttemptEnd]> = [];
  return {
    begun,
    ended,
    begin: (id) => void begun.push(id),
    end: (id, r) => void ended.push([id, r]),
    inflight: () => 0,
    usage: () => ({ requests: 0, tokens: 0 }),
    latency: () => undefined,
    fail: () => 1,
    coolDown: () => undefined,
    coolingUntil: () => 0,
    lastError: () => undefined,
  };
}

describe('@switchyard/router', () => {
  it('is loaded by the core when no plugin provides router, from the config’s router section, and is not listed among the config’s plugins', async () => {
    const g = await createGateway({ plugins: [mockProvider()], models, router: { strategy: 'least-busy', cooldownMs: 1234 } }, { diagnostics });
    expect(g.services.router?.config).toMatchObject({ strategy: 'least-busy', cooldownMs: 1234, allowedFails: 3 });
    expect(g.plugins.map((p) => p.name)).toEqual(['@switchyard/provider-mock']);
    const out = await g.call({ body: ask });
    expect(['a', 'b']).toContain(out.ctx.deployment?.id);
    await g.close();
  });

  it('builds over the routerState another plugin provides, whatever the order plugins are listed in', async () => {
    const state = recordingState();
    const shared = definePlugin({ name: '@acme/state', provides: ['routerState'], apply: (api) => void (api.services.routerState = state) });
    const g = await createGateway({ plugins: [router(), mockProvider(), shared], models }, { diagnostics });
    const out = await g.call({ body: ask });
    expect(state.begun).toEqual([out.ctx.deployment!.id]);
    expect(state.ended).toEqual([[out.ctx.deployment!.id, expect.objectContaining({ ok: true })]]);
    expect(g.services.router!.state).toBe(state);
    await g.close();
  });

  it('a plugin that provides router replaces it: the runner asks that router for each call’s order', async () => {
    const asked: string[][] = [];
    const base = await createGateway({ plugins: [mockProvider()] }, { diagnostics });
    await base.close();
    const lastFirst: Router = {
      ...base.services.router!,
      order(ds: readonly Deployment[]) {
        asked.push(ds.map((d) => d.id));
        return [...ds].reverse();
      },
    };
    const mine = definePlugin({ name: '@acme/router', provides: ['router'], apply: (api) => void (api.services.router = lastFirst) });
    const g = await createGateway({ plugins: [mine, mockProvider()], models }, { diagnostics });
    for (let i = 0; i < 5; i++) expect((await g.call({ body: ask })).ctx.deployment?.id).toBe('b');
    expect(asked).toHaveLength(5);
    expect(g.services.router).toBe(lastFirst);
    await g.close();
  });

  it('a plugin that provides router but sets none fails boot with a coded error', async () => {
    const empty = definePlugin({ name: '@acme/router', provides: ['router'], apply() {} });
    await expect(createGateway({ plugins: [empty, mockProvider()], models }, { diagnostics })).rejects.toMatchObject({ code: 'GW_ERR_PLUGIN_DEPENDENCY_MISSING', message: expect.stringMatching(/services\.router/) });
  });

  it('refuses options (it reads the router section)', () => {
    expect(() => router({ strategy: 'least-busy' } as never)).toThrow(/strategy/);
  });
});
