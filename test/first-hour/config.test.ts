/**
 * Issue 13, items 1 and 11: configs keep the defaults (`extends`), and the config traps (size
 * units and a floor, unknown keys with the nearest known one at every level, the file named
 * where it belongs, where the store lives).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, definePlugin, memoryDiagnostics, type SwitchyardConfig } from '@switchyard/core';
import { killClis, startCli } from '@switchyard/test-kit';
import { withDefaults } from '../../core/src/config/defaults.js';

afterEach(killClis);

const DEFAULT_NAMES = [
  '@switchyard/store-sqlite',
  '@switchyard/session-tracker',
  '@switchyard/responses',
  '@switchyard/embeddings',
  '@switchyard/conversations',
  '@switchyard/cost-tracker',
  '@switchyard/provider-mock',
  '@switchyard/provider-openai',
  '@switchyard/console',
];

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-first-hour-'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const build = (config: SwitchyardConfig, dir = project({})) => createGateway(config, { configDir: dir, diagnostics: memoryDiagnostics() });
const bootError = (config: unknown) => build(config as SwitchyardConfig).then(
  () => 'booted',
  (err: Error) => err.message,
);

describe('a config keeps the defaults', () => {
  it('a file with only `models:` extends the embedded default: the CLI serves the model with every default plugin', { timeout: 60_000 }, async () => {
    const dir = project({ '.switchyardrc.yaml': 'models:\n  - name: my-echo\n    provider: mock\n    model: echo\n' });
    const cli = startCli(['--port', '0'], dir);
    const origin = await cli.url;
    expect(cli.output()).toContain(`plugins: ${DEFAULT_NAMES.map((n) => `${n}@0.1.0`).join(', ')}`);
    const client = new OpenAI({ apiKey: 'x', baseURL: `${origin}/v1`, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'my-echo', messages: [{ role: 'user', content: 'defaults kept' }] });
    expect(r.choices[0]!.message.content).toBe('defaults kept');
    // the default session tracker is there too
    await client.chat.completions.create({ model: 'my-echo', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-session-id': 'kept' } });
    // and the embeddings API, on the mock
    const e = await client.embeddings.create({ model: 'mock/embed', input: ['served', 'by default'], dimensions: 8 });
    expect(e.data.map((d) => d.embedding.length)).toEqual([8, 8]);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('`extends: default` adds listed plugins to the defaults; one of the same package replaces the default entry', async () => {
    const dir = project({});
    const g = await build({ extends: 'default', dataDir: path.join(dir, 'data'), plugins: [['@switchyard/provider-mock', { id: 'mock' }], '@switchyard/logger-file'] }, dir);
    expect(g.plugins.map((p) => p.name).sort()).toEqual([...DEFAULT_NAMES, '@switchyard/logger-file'].sort());
    const out = await g.call({ body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
    expect(out.type === 'completion' && out.body.choices[0]!.message.content).toBe('hi');
    await g.close();
  });

  it('a store of your own replaces the default SQLite store (same capability)', () => {
    const mine = definePlugin({ name: '@acme/store', provides: ['store'], apply() {} });
    const defaults = DEFAULT_NAMES.map((name) => definePlugin({ name, ...(name.includes('store-') ? { provides: ['store'] } : {}), apply() {} }));
    expect(withDefaults(defaults, [mine]).map((p) => p.name)).toEqual([...DEFAULT_NAMES.filter((n) => n !== '@switchyard/store-sqlite'), '@acme/store']);
  });

  it('a file that lists plugins gets exactly those (extends: none), and so does code', async () => {
    const dir = project({});
    const g = await build({ plugins: ['@switchyard/provider-mock'] }, dir);
    expect(g.plugins.map((p) => p.name)).toEqual(['@switchyard/provider-mock']);
    await g.close();
    const none = await build({ extends: 'none', plugins: ['@switchyard/provider-mock'] }, dir);
    expect(none.plugins).toHaveLength(1);
    await none.close();
  });
});

describe('config traps', () => {
  it('server.bodyLimit takes units and refuses a limit under 1 kB', async () => {
    expect(await bootError({ server: { bodyLimit: 20 } })).toMatch(/server\.bodyLimit: 20 bytes is under 1 kB.*write a size with a unit, e\.g\. "20mb"/);
    expect(await bootError({ server: { bodyLimit: '20' } })).toMatch(/20 bytes is under 1 kB/);
    expect(await bootError({ server: { bodyLimit: 'lots' } })).toMatch(/server\.bodyLimit: expected a number of bytes or a size like "20mb"/);
    for (const limit of ['2kb', '2k', '2 KiB', 2048]) {
      const g = await build({ plugins: ['@switchyard/provider-mock'], server: { bodyLimit: limit } });
      const { url } = await g.listen({ port: 0 });
      const post = (content: string) =>
        fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content }] }) });
      expect((await post('x'.repeat(1500))).status).toBe(200);
      const big = await post('x'.repeat(3000));
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { message: string } }).error.message).toContain('2048 bytes');
      await g.close();
    }
  });

  it('an unknown key names itself and the nearest known key, at every level', async () => {
    expect(await bootError({ modles: [] })).toContain('unknown key "modles" (did you mean "models"?)');
    expect(await bootError({ server: { prot: 4000 } })).toContain('server: unknown key "prot" (did you mean "port"?)');
    expect(await bootError({ plugins: ['@switchyard/provider-mock'], models: [{ name: 'a', provdier: 'mock', model: 'echo' }] })).toContain(
      'models[0]: missing required key "provider"; found unknown key "provdier" (did you mean "provider"?)',
    );
    expect(await bootError({ plugins: ['@switchyard/provider-mock'], models: [{ name: 'a', provider: 'mock', model: 'echo', latencyMS: 5 }] })).toContain(
      'models[0] (a): unknown key "latencyMS" (did you mean "latencyMs"?)',
    );
    expect(await bootError({ plugins: ['@switchyard/provider-openai'], models: [{ name: 'a', provider: 'openai', model: 'x', apiBsae: 'http://127.0.0.1:1/v1' }] })).toContain(
      'unknown key "apiBsae" (did you mean "apiBase"?)',
    );
    expect(await bootError({ plugins: [['@switchyard/provider-mock', { latencyMS: 5 }]] })).toContain('unknown option "latencyMS" (did you mean "latencyMs"?)');
    // providers with their own deployment keys suggest those too
    expect(await bootError({ plugins: [['@switchyard/provider-bedrock', { region: 'us-east-1' }]], models: [{ name: 'b', provider: 'bedrock', model: 'm', regoin: 'eu-west-1' }] })).toContain(
      'unknown key "regoin" (did you mean "region"?)',
    );
  });

  it('messages name the config file, never "config config" or "(config)"', { timeout: 60_000 }, async () => {
    const dir = project({ 'conf/gateway.yaml': 'plugins: ["@switchyard/provider-mock"]\nmodels:\n  - { name: a, provider: mock, model: echo, apiKey: "${SY_TEST_UNSET_KEY}" }\n' });
    const file = path.join(dir, 'conf/gateway.yaml');
    const cli = startCli(['--config', 'conf/gateway.yaml', '--port', '0'], dir, { SY_TEST_UNSET_KEY: '' });
    expect(await cli.exited).toBe(1);
    expect(cli.errors().trim()).toBe(
      `switchyard: failed to start: GW_ERR_CONFIG_INVALID: ${file}: models[0].apiKey refers to environment variable SY_TEST_UNSET_KEY, which is not set`,
    );
    const bad = project({ '.switchyardrc.yaml': 'server:\n  bodyLimit: 20\n' });
    const cli2 = startCli(['--port', '0'], bad);
    expect(await cli2.exited).toBe(1);
    expect(cli2.errors()).toContain(`invalid config in ${path.join(bad, '.switchyardrc.yaml')}:`);
    for (const out of [cli.errors(), cli2.errors()]) expect(out).not.toMatch(/config config|\(config\)/);
    // in code there is no file: the place alone
    expect(await bootError({ models: [{ name: 'a', provider: 'mock', apiKey: '${SY_TEST_UNSET_KEY}' }] })).toMatch(/^models\[0\]\.apiKey refers to environment variable SY_TEST_UNSET_KEY/);
  });

  it('prints where the store lives: next to the config file, even when --config points elsewhere', { timeout: 60_000 }, async () => {
    const dir = project({ 'elsewhere/gateway.yaml': 'models:\n  - { name: a, provider: mock, model: echo }\n' });
    const cli = startCli(['--config', 'elsewhere/gateway.yaml', '--port', '0'], dir);
    await cli.url;
    expect(cli.output()).toContain(`store: sqlite ${path.join(dir, 'elsewhere', '.switchyard', 'switchyard.db')}`);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
