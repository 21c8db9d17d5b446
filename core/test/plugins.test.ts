import { describe, expect, it } from 'vitest';
import { createGateway, definePlugin, memoryDiagnostics, parsePluginOptions, z, type GatewayPlugin } from '../src/index.js';
import { orderPlugins } from '../src/plugin-loader.js';
import { fixedProvider } from './helpers.js';

const noop = (name: string, extra: Partial<GatewayPlugin> = {}) => definePlugin({ name, apply() {}, ...extra });
const build = (plugins: unknown[], extra: Record<string, unknown> = {}) =>
  createGateway({ plugins: plugins as GatewayPlugin[], ...extra }, { diagnostics: memoryDiagnostics() });

describe('plugin loading fails at boot', () => {
  it('rejects bad shapes', async () => {
    await expect(build([{ name: 'x' }])).rejects.toMatchObject({ code: 'GW_ERR_CONFIG_INVALID' });
    await expect(build([{ name: '', apply() {} }])).rejects.toMatchObject({ code: 'GW_ERR_PLUGIN_INVALID' });
    await expect(build([{ name: 'p', apply() {}, dependencies: 'store' }])).rejects.toMatchObject({ code: 'GW_ERR_PLUGIN_INVALID' });
  });

  it('rejects duplicates', async () => {
    await expect(build([noop('a'), noop('a')])).rejects.toMatchObject({ code: 'GW_ERR_PLUGIN_DUPLICATE', message: expect.stringContaining('a') });
  });

  it('rejects missing dependencies, naming both sides', async () => {
    await expect(build([noop('sessions', { dependencies: ['store'] })])).rejects.toMatchObject({
      code: 'GW_ERR_PLUGIN_DEPENDENCY_MISSING',
      message: expect.stringMatching(/sessions.*store/),
    });
  });

  it('rejects dependency cycles', async () => {
    await expect(build([noop('a', { dependencies: ['b'] }), noop('b', { dependencies: ['a'] })])).rejects.toMatchObject({
      code: 'GW_ERR_PLUGIN_DEPENDENCY_MISSING',
      message: expect.stringContaining('cycle'),
    });
  });

  it('gateway.service(name) hands over a service another plugin provides, or fails the boot naming plugin and service', async () => {
    const marker = { migrate: async () => [] };
    let got: unknown;
    const provider = noop('fake-store', { provides: ['store'], apply: (g) => void ((g.services as Record<string, unknown>).store = marker) });
    const user = noop('needs-store', { dependencies: ['store'], apply: (g) => void (got = g.service('store')) });
    const g = await build([user, provider]);
    expect(got).toBe(marker);
    await g.close();
    const loner = noop('loner', { apply: (g) => void g.service('store') });
    await expect(build([loner])).rejects.toMatchObject({
      code: 'GW_ERR_PLUGIN_DEPENDENCY_MISSING',
      message: expect.stringMatching(/loner needs the "store" service/),
    });
  });

  it('bounds apply() with a timeout', async () => {
    const slow = definePlugin({ name: 'slow', apply: () => new Promise<void>(() => {}) });
    await expect(build([slow], { pluginTimeoutMs: 50 })).rejects.toMatchObject({ code: 'GW_ERR_PLUGIN_TIMEOUT', message: expect.stringContaining('slow') });
  });

  it('wraps apply() failures with the plugin name', async () => {
    const broken = definePlugin({
      name: 'broken',
      apply() {
        throw new Error('no config');
      },
    });
    await expect(build([broken])).rejects.toMatchObject({ code: 'GW_ERR_PLUGIN', message: expect.stringContaining('broken') });
  });

  it('rejects models whose provider no plugin registers, and unknown provider options', async () => {
    await expect(build([fixedProvider()], { models: [{ name: 'm', provider: 'nope', model: 'x' }] })).rejects.toMatchObject({
      code: 'GW_ERR_PROVIDER_UNKNOWN',
      message: expect.stringContaining('nope'),
    });
    await expect(build([fixedProvider()], { models: [{ name: 'm', provider: 'fixed', model: 'x', region: 'eu' }] })).rejects.toMatchObject({
      code: 'GW_ERR_CONFIG_INVALID',
      message: expect.stringContaining('region'),
    });
  });
});

describe('dependency order', () => {
  it('applies dependencies first, whatever the config order, by name or capability', async () => {
    const order: string[] = [];
    const p = (name: string, extra: Partial<GatewayPlugin> = {}) => definePlugin({ name, apply: () => void order.push(name), ...extra });
    const sorted = orderPlugins([p('sessions', { dependencies: ['store'] }), p('cost', { dependencies: ['sessions'] }), p('sqlite', { provides: ['store'] })]);
    expect(sorted.map((x) => x.name)).toEqual(['sqlite', 'sessions', 'cost']);
  });
});

describe('parsePluginOptions', () => {
  it('names the plugin and the field', () => {
    const schema = z.strictObject({ level: z.enum(['info', 'debug']) });
    expect(() => parsePluginOptions('@acme/log', schema, { level: 'loud' })).toThrow(/@acme\/log: option "level"/);
    expect(() => parsePluginOptions('@acme/log', schema, { level: 'info', colour: true })).toThrow(/unknown option "colour"/);
    expect(parsePluginOptions('@acme/log', schema, { level: 'info' })).toEqual({ level: 'info' });
  });
});
