/**
 * `switchyard` with no config file (the embedded default, as `npm start` runs it) keeps its
 * SQLite file under ./.switchyard across restarts: a session made before a SIGTERM is there
 * after the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, expect, it } from 'vitest';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../core/src/cli/main.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'sy-sessions-cli-'));
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startCli(cwd: string) {
  const child = spawn(process.execPath, ['--import', tsx, '--conditions=@switchyard/source', main, '--port', '0'], {
    cwd,
    env: { ...process.env, PORT: '', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, exited, output: () => out };
}

const chat = (origin: string, content: string, session: string) =>
  fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-id': session },
    body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content }] }),
  });

it('keeps sessions in ./.switchyard/switchyard.db across restarts of the default gateway', async () => {
  writeFileSync(path.join(dir, 'package.json'), '{}');
  const first = startCli(dir);
  const origin1 = await first.url;
  expect(first.output()).toMatch(/@switchyard\/store-sqlite/);
  expect((await chat(origin1, 'before restart', 'cli-session')).headers.get('x-session-id')).toBe('cli-session');
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(existsSync(path.join(dir, '.switchyard', 'switchyard.db'))).toBe(true);

  const second = startCli(dir);
  const origin2 = await second.url;
  expect((await chat(origin2, 'after restart', 'cli-session')).status).toBe(200);
  let body: { call_count?: number; calls?: Array<{ model: string }> } = {};
  for (let i = 0; i < 50 && body.call_count !== 2; i++) {
    body = (await (await fetch(`${origin2}/v1/sessions/cli-session`)).json()) as typeof body;
    if (body.call_count !== 2) await new Promise((r) => setTimeout(r, 20));
  }
  expect(body.call_count).toBe(2);
  expect(body.calls!.map((c) => c.model)).toEqual(['mock/echo', 'mock/echo']);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});
