import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli/args.js';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.ts');
// tsx resolved from this repo, since the CLI runs in a temp folder
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function startCli(args: string[], cwd: string) {
  const child = spawn(process.execPath, ['--import', tsx, '--conditions=@switchyard/source', main, ...args], {
    cwd,
    env: { ...process.env, PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /listening on (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, exited, output: () => out, errors: () => err };
}

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
