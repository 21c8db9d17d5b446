import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGateway, loadConfigFile, memoryDiagnostics, validateConfig } from '../src/index.js';
import { interpolateEnv } from '../src/config/env.js';
import { resolvePlugin } from '../src/config/resolve-plugins.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'sy-config-'));

describe('config discovery (cosmiconfig, module name switchyard)', () => {
  it.each([
    ['.switchyardrc.yaml', 'models:\n  - name: a\n    provider: mock\n    model: echo\n'],
    ['.switchyardrc.json', JSON.stringify({ models: [{ name: 'a', provider: 'mock', model: 'echo' }] })],
    ['.switchyardrc', 'models:\n  - { name: a, provider: mock, model: echo }\n'],
    ['switchyard.config.mjs', "export default { models: [{ name: 'a', provider: 'mock', model: 'echo' }] };\n"],
    ['switchyard.config.js', "export default { models: [{ name: 'a', provider: 'mock', model: 'echo' }] };\n"],
    ['switchyard.config.ts', "const config: { models: unknown[] } = { models: [{ name: 'a', provider: 'mock', model: 'echo' }] };\nexport default config;\n"],
  ])('finds %s', async (file, content) => {
    const d = dir();
    writeFileSync(path.join(d, 'package.json'), '{"type":"module"}');
    writeFileSync(path.join(d, file), content);
    const { config, filepath } = await loadConfigFile({ cwd: d });
    expect(filepath).toBe(path.join(d, file));
    expect(config).toEqual({ models: [{ name: 'a', provider: 'mock', model: 'echo' }] });
  });

  it('searches up to the project root from a subfolder', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'package.json'), '{}');
    writeFileSync(path.join(d, '.switchyardrc.json'), '{"logLevel":"warn"}');
    mkdirSync(path.join(d, 'sub'));
    expect((await loadConfigFile({ cwd: path.join(d, 'sub') })).config).toEqual({ logLevel: 'warn' });
  });

  it('returns no config when there is none', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'package.json'), '{}');
    expect((await loadConfigFile({ cwd: d })).config).toBeUndefined();
  });

  it('fails clearly for --config pointing at a missing file, or a broken file', async () => {
    const d = dir();
    await expect(loadConfigFile({ cwd: d, configPath: 'nope.yaml' })).rejects.toMatchObject({ code: 'GW_ERR_CONFIG_NOT_FOUND' });
    writeFileSync(path.join(d, 'bad.yaml'), 'models: [unclosed');
    await expect(loadConfigFile({ cwd: d, configPath: 'bad.yaml' })).rejects.toMatchObject({ code: 'GW_ERR_CONFIG_INVALID' });
  });
});

describe('environment references', () => {
  const env = { OPENAI_API_KEY: 'sk-1', EMPTY: '' };
  it('expands ${VAR}, ${VAR:-default} and os.environ/VAR', () => {
    expect(interpolateEnv({ a: '${OPENAI_API_KEY}', b: 'os.environ/OPENAI_API_KEY', c: ['x-${OPENAI_API_KEY}'], d: '${NOPE:-fallback}', e: 3 }, env)).toEqual({
      a: 'sk-1',
      b: 'sk-1',
      c: ['x-sk-1'],
      d: 'fallback',
      e: 3,
    });
  });
  it('uses the default of ${VAR:-default} when VAR is set but empty, and keeps an empty value without one', () => {
    expect(interpolateEnv({ a: '${EMPTY:-fallback}', b: 'x${EMPTY:-}y' }, env)).toEqual({ a: 'fallback', b: 'xy' });
  });
  it('names the variable and the place when it is missing', () => {
    expect(() => interpolateEnv({ models: [{ apiKey: '${MISSING_KEY}' }] }, env)).toThrow(/^models\[0\]\.apiKey refers to environment variable MISSING_KEY/);
  });
});

describe('validation', () => {
  it('reports unknown keys and bad fields by path', () => {
    expect(() => validateConfig({ modles: [] })).toThrow(/unknown key "modles"/);
    expect(() => validateConfig({ server: { port: 'x' } })).toThrow(/server\.port/);
    expect(() => validateConfig({ models: [{ name: 'a' }] })).toThrow(/models\[0\]: missing required key "provider"/);
    expect(() => validateConfig({ plugins: [42] })).toThrow(/plugins\[0\]/);
  });
  it('reports unknown keys under server: too, by path', () => {
    expect(() => validateConfig({ server: { prot: 4000 } })).toThrow(/^ {2}- server: unknown key "prot" \(did you mean "port"\?\)$/m);
    expect(() => validateConfig({ server: { port: 4000, bodyLimt: '1mb' } })).toThrow(/^ {2}- server: unknown key "bodyLimt" \(did you mean "bodyLimit"\?\)$/m);
    expect(() => validateConfig({ server: { port: 4000, host: '127.0.0.1', bodyLimit: '1mb', shutdownTimeoutMs: 100 } })).not.toThrow();
  });
});

describe('plugins by package name', () => {
  it('loads a bare name and a [name, options] tuple', async () => {
    const mock = await resolvePlugin('@switchyard/provider-mock');
    expect(mock.name).toBe('@switchyard/provider-mock');
    const custom = await resolvePlugin(['@switchyard/provider-mock', { id: 'mock2' }]);
    expect(custom.name).toBe('@switchyard/provider-mock');
  });
  it('fails at boot for a missing package or bad options, naming the plugin', async () => {
    await expect(resolvePlugin('@switchyard/does-not-exist')).rejects.toMatchObject({ code: 'GW_ERR_PLUGIN_NOT_FOUND', message: expect.stringContaining('npm install') });
    await expect(resolvePlugin(['@switchyard/provider-mock', { latencyMs: -1 }])).rejects.toMatchObject({
      code: 'GW_ERR_PLUGIN_OPTIONS',
      message: expect.stringMatching(/provider-mock.*latencyMs/),
    });
  });
  it('boots a gateway from a YAML file with tuples and env references', async () => {
    const d = dir();
    writeFileSync(
      path.join(d, '.switchyardrc.yaml'),
      'plugins:\n  - ["@switchyard/provider-mock", { latencyMs: 0 }]\nmodels:\n  - name: demo\n    provider: mock\n    model: ${DEMO_MODEL}\n',
    );
    const { config, filepath } = await loadConfigFile({ cwd: d });
    const gateway = await createGateway(config as object, { configDir: path.dirname(filepath!), env: { DEMO_MODEL: 'echo' }, diagnostics: memoryDiagnostics() });
    const out = await gateway.call({ body: { model: 'demo', messages: [{ role: 'user', content: 'from yaml' }] } });
    expect(out.type === 'completion' && out.body.choices[0]!.message.content).toBe('from yaml');
  });
});
