/**
 * The embedded default serves the console: the banner prints its URL, and the URL answers
 * with the page, which names the gateway as open to this machine only (no auth plugin).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { killClis, startCli } from '@switchyard/test-kit';

afterEach(killClis);

it('prints the console URL at start, and that URL serves the page and its API', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-console-cli-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const cli = startCli(['--port', '0'], dir, { OPENAI_API_KEY: '' });
    const origin = await cli.url;
    const url = /^console: (\S+)$/m.exec(cli.output())?.[1];
    expect(url).toBe(`${origin}/ui`);
    const page = await fetch(url!);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<div id="app"></div>');
    const caps = (await (await fetch(`${origin}/console/api/capabilities`)).json()) as { auth: { enabled: boolean; loopback_only: boolean }; views: Record<string, boolean> };
    expect(caps.auth).toMatchObject({ enabled: false, loopback_only: true });
    expect(caps.views).toMatchObject({ sessions: true, spend: true, budgets: true, deployments: true, live: true, batches: false });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
