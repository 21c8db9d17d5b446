import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killClis, startCli } from '@switchyard/test-kit';
import { parseCli } from '../src/cli/args.js';

afterEach(killClis);

describe('switchyard CLI', () => {
  it('parses flags and rejects bad ones', () => {
    expect(parseCli(['--port', '4001', '--host', '0.0.0.0', '-c', 'x.yaml'], {})).toMatchObject({ port: 4001, host: '0.0.0.0', config: 'x.yaml' });
    expect(parseCli([], { PORT: '5000' }).port).toBe(5000);
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(/--port/);
    expect(() => parseCli(['--nope'], {})).toThrow();
  });

  it('prints the URL, plugins and models, and drains a stream on SIGTERM before exiting 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-cli-'));
    writeFileSync(
      path.join(dir, '.switchyardrc.yaml'),
      ['plugins:', '  - ["@switchyard/provider-mock", { chunkDelayMs: 40 }]', 'models:', '  - { name: slow-echo, provider: mock, model: lorem }', ''].join('\n'),
    );
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const cli = startCli(['--port', '0'], dir);
    const origin = await cli.url;
    expect(cli.output()).toMatch(/plugins: @switchyard\/provider-mock/);
    expect(cli.output()).toMatch(/models: slow-echo/);

    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow-echo', stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('data:');
    cli.child.kill('SIGTERM');
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain('data: [DONE]');
    expect(await cli.exited).toBe(0);
    expect(cli.errors()).toMatch(/drained/);
  });

  it('fails to start with a clear message for a bad config', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-cli-'));
    writeFileSync(path.join(dir, 'bad.yaml'), 'modles: []\n');
    const cli = startCli(['--config', 'bad.yaml', '--port', '0'], dir);
    await expect(cli.url).rejects.toThrow(/GW_ERR_CONFIG_INVALID.*unknown key "modles"/s);
    expect(await cli.exited).toBe(1);
  });
});
