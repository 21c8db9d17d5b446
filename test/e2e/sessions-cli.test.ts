/**
 * `switchyard` with no config file (the embedded default, as `npm start` runs it) keeps its
 * SQLite file under ./.switchyard across restarts: a session made before a SIGTERM is there
 * after the next start.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { killClis, startCli as runCli } from '@switchyard/test-kit';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-sessions-cli-'));
afterEach(killClis);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const startCli = (cwd: string) => runCli(['--port', '0'], cwd, { OPENAI_API_KEY: '' });

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
  // a session read commits the writes still queued first: the call just made is in it
  const body = (await (await fetch(`${origin2}/v1/sessions/cli-session`)).json()) as { call_count?: number; calls?: Array<{ model: string }> };
  expect(body.call_count).toBe(2);
  expect(body.calls!.map((c) => c.model)).toEqual(['mock/echo', 'mock/echo']);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});
