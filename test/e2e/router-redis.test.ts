/**
 * Two gateway processes on one Redis (`router.redis`) route as one: a deployment one process
 * cooled down is skipped by the other, and per-minute usage counted in one fills the other's
 * rpm. Real CLI processes, a real redis-server, OpenAI emulators on loopback.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { killClis, startCli, startOpenAIEmulator, startRedis, type OpenAIEmulator, type TestRedis } from '@switchyard/test-kit';

let redis: TestRedis;
let bad: OpenAIEmulator;
let good: OpenAIEmulator;
beforeAll(async () => {
  [redis, bad, good] = await Promise.all([startRedis(), startOpenAIEmulator(), startOpenAIEmulator()]);
});
afterAll(() => Promise.all([redis.stop(), bad.close(), good.close()]));
afterEach(killClis);

interface Health {
  deployments: Array<{ id: string; cooling_until: number | null; requests_last_minute: number }>;
}

async function twoGateways(): Promise<[string, string]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-router-redis-'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  const d = (id: string, name: string, emu: OpenAIEmulator, extra = '') => `  - { name: ${name}, id: ${id}, provider: openai, model: gpt-4o, apiBase: "${emu.baseURL}", apiKey: ${emu.apiKey}${extra} }`;
  writeFileSync(
    path.join(dir, '.switchyardrc.yaml'),
    [
      'plugins:',
      '  - "@switchyard/provider-openai"',
      '  - ["@switchyard/deployment-checks", { checks: [rate-limits] }]',
      'models:',
      d('bad', 'gpt', bad),
      d('good', 'gpt', good),
      d('limited', 'limited', good, ', rpm: 6'),
      d('spare', 'spare', good),
      'router:',
      `  redis: "${redis.url}"`,
      '  allowedFails: 1',
      '  cooldownMs: 60000',
      '  retries: 1',
      '  fallbacks: { limited: [spare] }',
      '',
    ].join('\n'),
  );
  const a = startCli(['--port', '0'], dir);
  const b = startCli(['--port', '0'], dir);
  return Promise.all([a.url, b.url]);
}

const chat = async (origin: string, model: string) => {
  const res = await fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('x-switchyard-deployment')!;
};
const health = async (origin: string) => (await (await fetch(`${origin}/health`)).json()) as Health;
async function until<T>(what: () => Promise<T | undefined | false>, label: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await what();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${label}`);
}

it('shares cooldowns and rpm counts between two gateway processes', { timeout: 120_000 }, async () => {
  bad.fault({ status: 500, times: 100_000 });
  const [a, b] = await twoGateways();

  // A tries bad until it cools it down (two failures), every call still answered by good
  await until(async () => (await chat(a, 'gpt')) && (await health(a)).deployments.find((d) => d.id === 'bad')!.cooling_until !== null, 'A to cool bad down');
  // B learns it from Redis and never sends bad a call
  await until(async () => (await health(b)).deployments.find((d) => d.id === 'bad')!.cooling_until !== null, 'B to see the cooldown');
  const badBefore = bad.requests.length;
  for (let i = 0; i < 20; i++) expect(await chat(b, 'gpt')).toBe('good');
  expect(bad.requests.length).toBe(badBefore);

  // rpm 6 on `limited`, shared: 4 calls through A, then B has room for 2 more
  for (let i = 0; i < 4; i++) expect(await chat(a, 'limited')).toBe('limited');
  await until(async () => (await health(b)).deployments.find((d) => d.id === 'limited')!.requests_last_minute >= 4, "B to count A's calls");
  const viaB: string[] = [];
  for (let i = 0; i < 4; i++) viaB.push(await chat(b, 'limited'));
  expect(viaB).toEqual(['limited', 'limited', 'spare', 'spare']);
});
