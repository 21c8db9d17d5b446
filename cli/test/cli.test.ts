import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childProcesses, freePort, killClis, startCli } from '@switchyard/test-kit';
import net from 'node:net';
import { parseCli } from '../src/args.js';

afterEach(killClis);

/**
 * The gateway worker processes of `pid`: its children running the CLI. Other children
 * (tsx's esbuild service, when the sources are being compiled) do not count.
 */
const childrenOf = (pid: number): number[] => childProcesses(pid).filter((c) => /cli\/(src|dist)\/main/.test(c.cmdline)).map((c) => c.pid);

let debug: (() => string) | undefined;

async function until<T>(label: string, what: () => T | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}${debug ? `\n${debug()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
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

  // three processes compile the TypeScript sources on start: slow when the suite runs in parallel
  it('--workers 2 serves from two processes on one port, replaces a crashed worker while the other serves, and drains all on SIGTERM', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-cli-'));
    writeFileSync(path.join(dir, '.switchyardrc.yaml'), ['plugins:', '  - "@switchyard/provider-mock"', ''].join('\n'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    // a fixed port: with --port 0, a worker killed before its sibling listened would close the
    // shared handle and the replacement would listen on a new random port
    const port = await freePort();
    const cli = startCli(['--workers', '2', '--port', String(port)], dir);
    debug = () => `stdout:\n${cli.output()}\nstderr:\n${cli.errors()}`;
    const origin = await cli.url;
    // the primary announces once both workers hold the port, not when the first one does
    await until('both workers listening', () => new RegExp(`primary \\d+: 2 workers listening on port ${port}`).test(cli.output()));
    const primary = cli.child.pid!;
    const first = await until('two workers', () => {
      const pids = childrenOf(primary);
      return pids.length === 2 && pids;
    });
    const ask = async (): Promise<number> => {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(`${origin}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
          });
          return res.status;
        } catch (err) {
          // seen once in ~10 runs on a CPU-starved machine right after the restart: a connect
          // refused while the primary still listens; a client retries a refused connect
          const code = (err as { cause?: { code?: string } }).cause?.code;
          if (attempt >= 3 || (code !== 'ECONNREFUSED' && code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    expect(await Promise.all(Array.from({ length: 20 }, ask))).toEqual(Array(20).fill(200));

    process.kill(first[0]!, 'SIGKILL');
    await until('the restart message', () => /worker \d+ exited \(SIGKILL\); restarting/.test(cli.errors()));
    const second = await until('the replacement worker', () => {
      const pids = childrenOf(primary);
      return pids.length === 2 && !pids.includes(first[0]!) && pids;
    });
    expect(second).toContain(first[1]);
    // the surviving worker keeps serving while the replacement starts (under a starved CPU,
    // compiling the sources, it has taken over a minute to start listening)
    expect(await Promise.all(Array.from({ length: 20 }, ask))).toEqual(Array(20).fill(200));

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    await until('every worker to exit', () => childrenOf(primary).length === 0);
  });
  describe('a busy port', () => {
    let blocker: net.Server | undefined;
    afterEach(() => void blocker?.close());
    const occupy = async (): Promise<number> => {
      const port = await freePort();
      blocker = net.createServer();
      await new Promise<void>((resolve) => blocker!.listen(port, '127.0.0.1', resolve));
      return port;
    };
    const mockDir = () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sy-cli-'));
      writeFileSync(path.join(dir, '.switchyardrc.yaml'), ['plugins:', '  - "@switchyard/provider-mock"', ''].join('\n'));
      writeFileSync(path.join(dir, 'package.json'), '{}');
      return dir;
    };

    it('says so in one line and exits 1 (no stack)', async () => {
      const port = await occupy();
      const cli = startCli(['--port', String(port)], mockDir());
      expect(await cli.exited).toBe(1);
      expect(cli.errors().trim()).toBe(`switchyard: failed to start: port ${port} is in use; pick another with --port`);
    });

    it('with --workers, exits 1 instead of restarting workers that die at boot', { timeout: 120_000 }, async () => {
      const port = await occupy();
      const cli = startCli(['--workers', '2', '--port', String(port)], mockDir());
      expect(await cli.exited).toBe(1);
      expect(cli.errors()).toContain(`port ${port} is in use; pick another with --port`);
      expect(cli.errors()).toMatch(/before it served; not restarting/);
      expect(cli.errors()).not.toMatch(/\); restarting/);
    });
  });
});
