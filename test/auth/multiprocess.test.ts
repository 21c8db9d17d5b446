/**
 * Limits and budgets across two gateway processes (the real CLI), once with the windows in the
 * PostgreSQL store and once in a real redis-server (the keys in one SQLite file both processes
 * open): a key's rpm and tpm hold over both, concurrent calls split over both admit exactly
 * the limit, and a key over budget is refused by the other process before any upstream call.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killClis, startCli, startOpenAIEmulator, startPostgres, startRedis, tempDbFile, type CliProcess, type OpenAIEmulator, type TestPostgres, type TestRedis } from '@switchyard/test-kit';

const MASTER = 'sk-master-multiprocess-0123456789';
const hi = [{ role: 'user' as const, content: 'hello from a tenant' }];

let emu: OpenAIEmulator;
let pg: TestPostgres;
let redis: TestRedis;
beforeAll(async () => {
  [emu, pg, redis] = await Promise.all([startOpenAIEmulator({ apiKey: 'sk-upstream-multiprocess-0123456789' }), startPostgres(), startRedis()]);
});
afterAll(async () => {
  killClis();
  await Promise.all([emu?.close(), pg?.stop(), redis?.stop()]);
});

async function twoGateways(store: unknown, authOptions: Record<string, unknown>): Promise<[string, string]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-multi-'));
  const config = {
    plugins: [store, '@switchyard/cost-tracker', ['@switchyard/auth', { masterKey: MASTER, cacheTtlMs: 0, ...authOptions }], '@switchyard/provider-openai'],
    models: [{ name: 'gpt', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
  };
  writeFileSync(path.join(dir, '.switchyardrc.json'), JSON.stringify(config));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  // one first, so that only it runs the migrations; then the second on the same database
  const a: CliProcess = startCli(['--port', '0'], dir);
  const first = await a.url;
  const b: CliProcess = startCli(['--port', '0'], dir);
  return [first, await b.url];
}

function suite(name: string, setup: () => Promise<[string, string]>) {
  describe(`two gateway processes, windows in ${name}`, () => {
    let origins: [string, string];
    const admin = async (i: 0 | 1, route: string, body: unknown) => {
      const res = await fetch(`${origins[i]}${route}`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(json)).toBe(200);
      return json as { key: string; token: string; info?: { spend: number } };
    };
    const client = (i: 0 | 1, key: string) => new OpenAI({ apiKey: key, baseURL: `${origins[i]}/v1`, maxRetries: 0 });
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
      );
    beforeAll(async () => {
      origins = await setup();
    });

    it('a key made by one process works in the other; its rpm holds across both', async () => {
      const { key } = await admin(0, '/key/generate', { rpm_limit: 4 });
      const seen = [];
      for (const i of [1, 0, 1, 0, 1, 0] as const) seen.push(await outcome(client(i, key).chat.completions.create({ model: 'gpt', messages: hi })));
      expect(seen).toEqual([200, 200, 200, 200, '429 rate_limit_exceeded', '429 rate_limit_exceeded']);
    });

    it('concurrent calls split over both processes admit exactly the limit', async () => {
      const { key } = await admin(1, '/key/generate', { rpm_limit: 10 });
      const all = await Promise.all(Array.from({ length: 30 }, (_, n) => outcome(client((n % 2) as 0 | 1, key).chat.completions.create({ model: 'gpt', messages: hi }))));
      expect(all.filter((o) => o === 200)).toHaveLength(10);
      expect(all.filter((o) => o === '429 rate_limit_exceeded')).toHaveLength(20);
    });

    it("tokens used through one process count in the other's tpm window", async () => {
      const probe = await admin(0, '/key/generate', {});
      const used = (await client(0, probe.key).chat.completions.create({ model: 'gpt', messages: hi })).usage!.total_tokens;
      const { key } = await admin(0, '/key/generate', { tpm_limit: 2 * used });
      await client(0, key).chat.completions.create({ model: 'gpt', messages: hi });
      await client(1, key).chat.completions.create({ model: 'gpt', messages: hi });
      expect(await outcome(client(0, key).chat.completions.create({ model: 'gpt', messages: hi }))).toBe('429 rate_limit_exceeded');
      expect(await outcome(client(1, key).chat.completions.create({ model: 'gpt', messages: hi }))).toBe('429 rate_limit_exceeded');
    });

    it('spend through one process puts the key over budget in the other, which refuses before the upstream', async () => {
      const k = await admin(0, '/key/generate', {});
      await client(0, k.key).chat.completions.create({ model: 'gpt', messages: hi });
      const info = (await (await fetch(`${origins[1]}/key/info?key=${k.token}`, { headers: { authorization: `Bearer ${MASTER}` } })).json()) as { info: { spend: number } };
      expect(info.info.spend).toBeGreaterThan(0);
      await admin(1, '/key/update', { key: k.token, max_budget: info.info.spend });
      const before = emu.requests.length;
      expect(await outcome(client(1, k.key).chat.completions.create({ model: 'gpt', messages: hi }))).toBe('429 budget_exceeded');
      expect(await outcome(client(0, k.key).chat.completions.create({ model: 'gpt', messages: hi }))).toBe('429 budget_exceeded');
      expect(emu.requests.length).toBe(before);
    });
  });
}

suite('PostgreSQL', async () => twoGateways(['@switchyard/store-postgres', { connectionString: await pg.createDatabase('multiprocess') }], { limiter: 'store' }));
suite('Redis', () => twoGateways(['@switchyard/store-sqlite', { file: tempDbFile() }], { limiter: 'redis', redisUrl: redis.url }));

describe('the Redis windows are in Redis', () => {
  it('holds the sorted sets of the keys the Redis suite limited', async () => {
    const reply = await redis.command('KEYS', 'switchyard:rl:key:*');
    expect(reply).toMatch(/^\*[1-9]/);
  });
});
