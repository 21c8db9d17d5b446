/**
 * Rate limits and budgets of @switchyard/auth, exact at their edges, on every limiter backend
 * (memory, the SQLite store, the PostgreSQL store, a real redis-server). The plugin's clock is
 * the test's, so window edges are hit to the millisecond without waiting.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import costTracker from '@switchyard/cost-tracker';
import mockProvider from '@switchyard/provider-mock';
import openaiProvider from '@switchyard/provider-openai';
import responses from '@switchyard/responses';
import postgresStore from '@switchyard/store-postgres';
import sqliteStore from '@switchyard/store-sqlite';
import {
  createTestGateway,
  startOpenAIEmulator,
  startPostgres,
  startRedis,
  tempDbFile,
  type OpenAIEmulator,
  type TestGateway,
  type TestPostgres,
  type TestRedis,
} from '@switchyard/test-kit';

const MASTER = 'sk-master-limits-0123456789abcdef';
const W = 60_000;
let clock = Math.floor(Date.now());

interface Rig {
  t: TestGateway;
  emu: OpenAIEmulator;
  admin(path: string, body?: unknown): Promise<Record<string, unknown>>;
  client(key: string): OpenAI;
  close(): Promise<void>;
}

async function rig(store: unknown, limiter: 'memory' | 'store' | 'redis', redisUrl?: string): Promise<Rig> {
  const emu = await startOpenAIEmulator({ apiKey: 'sk-upstream-limits-0123456789' });
  const t = await createTestGateway({
    plugins: [store as never, costTracker(), responses(), auth({ masterKey: MASTER, limiter, redisUrl, now: () => clock, cacheTtlMs: 0 }), mockProvider(), openaiProvider()],
    models: [
      { name: 'gpt', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey },
      { name: 'echo', provider: 'mock', model: 'echo' },
    ],
  });
  return {
    t,
    emu,
    async admin(path, body) {
      const res = await fetch(`${t.origin}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status !== 200) throw new Error(`${path} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    client: (key) => new OpenAI({ apiKey: key, baseURL: t.url, maxRetries: 0 }),
    async close() {
      await t.close();
      await emu.close();
    },
  };
}

const hi = [{ role: 'user' as const, content: 'hello there' }];

/** The SDK error of a refused call (fails the test when the call succeeds). */
async function refused(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call was admitted').toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

let pg: TestPostgres;
let redis: TestRedis;
beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop()]);
});

const backends: Array<[string, () => Promise<Rig>]> = [
  ['memory', () => rig(sqliteStore({ file: tempDbFile() }), 'memory')],
  ['the SQLite store', () => rig(sqliteStore({ file: tempDbFile() }), 'store')],
  ['the PostgreSQL store', async () => rig(postgresStore({ connectionString: await pg.createDatabase('limits_store') }), 'store')],
  ['Redis', () => rig(sqliteStore({ file: tempDbFile() }), 'redis', redis.url)],
];

describe.each(backends)('rate limits in %s', (_name, make) => {
  let r: Rig;
  beforeAll(async () => {
    r = await make();
  });
  afterAll(() => r.close());

  it('rpm: the limit-th request in a window passes, the next waits exactly until the oldest leaves', async () => {
    const T = (clock = Math.floor(Date.now()));
    const { key } = (await r.admin('/key/generate', { rpm_limit: 3 })) as { key: string };
    const c = r.client(key);
    const remaining: string[] = [];
    for (const at of [T, T + 10, T + 20]) {
      clock = at;
      const { response } = await c.chat.completions.create({ model: 'echo', messages: hi }).withResponse();
      remaining.push(response.headers.get('x-ratelimit-remaining-requests')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    clock = T + 30;
    let e = await refused(c.chat.completions.create({ model: 'echo', messages: hi }));
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.headers.get('retry-after-ms')).toBe(String(W - 30));
    expect(e.headers.get('retry-after')).toBe('60');
    clock = T + W - 1;
    e = await refused(c.chat.completions.create({ model: 'echo', messages: hi }));
    expect(e.headers.get('retry-after-ms')).toBe('1');
    clock = T + W; // the request at T has left the window
    await c.chat.completions.create({ model: 'echo', messages: hi });
    e = await refused(c.chat.completions.create({ model: 'echo', messages: hi }));
    expect(e.headers.get('retry-after-ms')).toBe('10');
    clock = T + W + 10;
    await c.chat.completions.create({ model: 'echo', messages: hi });
  });

  it('tpm: tokens of finished calls fill the window; a call waits until enough of them leave', async () => {
    const T = (clock = Math.floor(Date.now()));
    const probe = (await r.admin('/key/generate', {})) as { key: string };
    const used = (await r.client(probe.key).chat.completions.create({ model: 'echo', messages: hi })).usage!.total_tokens;
    const { key } = (await r.admin('/key/generate', { tpm_limit: 2 * used })) as { key: string };
    const c = r.client(key);
    await c.chat.completions.create({ model: 'echo', messages: hi });
    clock = T + 5;
    const second = await c.chat.completions.create({ model: 'echo', messages: hi }).withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-tokens')).toBe(String(used)); // checked before its own tokens
    clock = T + 10;
    const e = await refused(c.chat.completions.create({ model: 'echo', messages: hi }));
    expect(e.status).toBe(429);
    expect(e.message).toContain(`tpm_limit ${2 * used}: ${2 * used} tokens`);
    expect(e.headers.get('retry-after-ms')).toBe(String(W - 10));
    clock = T + W - 1;
    await refused(c.chat.completions.create({ model: 'echo', messages: hi }));
    clock = T + W;
    await c.chat.completions.create({ model: 'echo', messages: hi });
  });

  it("a team's and a user's limits hold across all their keys, and a refused call counts nowhere", async () => {
    clock = Math.floor(Date.now());
    const team = `team-${_name.length}-${clock}`;
    await r.admin('/team/new', { team_id: team, rpm_limit: 2 });
    const a = (await r.admin('/key/generate', { team_id: team, rpm_limit: 5 })) as { key: string; token: string };
    const b = (await r.admin('/key/generate', { team_id: team })) as { key: string };
    await r.client(a.key).chat.completions.create({ model: 'echo', messages: hi });
    await r.client(b.key).chat.completions.create({ model: 'echo', messages: hi });
    const e = await refused(r.client(a.key).chat.completions.create({ model: 'echo', messages: hi }));
    expect(e.message).toContain(`team '${team}' (rpm_limit 2`);
    // the refused call did not count in the key's own window: 5 - 1 admitted call
    clock += W;
    const ok = await r.client(a.key).chat.completions.create({ model: 'echo', messages: hi }).withResponse();
    expect(ok.response.headers.get('x-ratelimit-remaining-requests')).toBe('1'); // the team's window is the tightest
    const user = `user-${_name.length}-${clock}`;
    const made = (await r.admin('/user/new', { user_id: user, rpm_limit: 1 })) as { key: string };
    const second = (await r.admin('/key/generate', { user_id: user })) as { key: string };
    await r.client(made.key).chat.completions.create({ model: 'echo', messages: hi });
    const u = await refused(r.client(second.key).chat.completions.create({ model: 'echo', messages: hi }));
    expect(u.message).toContain(`user '${user}'`);
  });
});

describe('budgets (SQLite store; the budget check reads the spend service)', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig(sqliteStore({ file: tempDbFile() }), 'memory');
  });
  afterAll(() => r.close());

  const spendOf = async (token: string) => ((await r.admin(`/key/info?key=${token}`)).info as { spend: number }).spend;

  it('refuses at spend == max_budget, before the upstream is called; admits a hair below; resets with budget_duration', async () => {
    const T = (clock = Math.floor(Date.now()));
    const k = (await r.admin('/key/generate', { budget_duration: '1h' })) as { key: string; token: string; budget_reset_at: string };
    expect(k.budget_reset_at).toBe(new Date(T + 3_600_000).toISOString());
    const c = r.client(k.key);
    await c.chat.completions.create({ model: 'gpt', messages: hi });
    const one = await spendOf(k.token);
    expect(one).toBeGreaterThan(0);
    await r.admin('/key/update', { key: k.token, max_budget: 2 * one });
    await c.chat.completions.create({ model: 'gpt', messages: hi }); // spent one < 2 * one
    expect(await spendOf(k.token)).toBe(2 * one);
    const upstream = r.emu.requests.length;
    clock = T + 1000;
    const e = await refused(c.chat.completions.create({ model: 'gpt', messages: hi }));
    expect(e.status).toBe(429);
    expect(e.code).toBe('budget_exceeded');
    expect(e.headers.get('x-should-retry')).toBe('false');
    expect(e.headers.get('retry-after')).toBe(String(3_600_000 / 1000 - 1));
    expect(r.emu.requests.length).toBe(upstream); // refused before any upstream call
    await r.admin('/key/update', { key: k.token, max_budget: 2 * one * (1 + 1e-9) });
    await c.chat.completions.create({ model: 'gpt', messages: hi }); // a hair below: admitted
    await refused(c.chat.completions.create({ model: 'gpt', messages: hi }));
    clock = T + 3_600_000 - 1;
    await refused(c.chat.completions.create({ model: 'gpt', messages: hi }));
    clock = T + 3_600_000; // a new period: spend starts again at 0
    expect(await spendOf(k.token)).toBe(0);
    await c.chat.completions.create({ model: 'gpt', messages: hi });
  });

  it("a team's budget covers its keys together; a user's too; the refusal names who is over", async () => {
    clock = Math.floor(Date.now());
    const probe = (await r.admin('/key/generate', {})) as { key: string; token: string };
    await r.client(probe.key).chat.completions.create({ model: 'gpt', messages: hi });
    const one = await spendOf(probe.token);
    await r.admin('/team/new', { team_id: 'budget-team', max_budget: one });
    const a = (await r.admin('/key/generate', { team_id: 'budget-team' })) as { key: string };
    const b = (await r.admin('/key/generate', { team_id: 'budget-team' })) as { key: string };
    await r.client(a.key).chat.completions.create({ model: 'gpt', messages: hi });
    const before = r.emu.requests.length;
    const e = await refused(r.client(b.key).chat.completions.create({ model: 'gpt', messages: hi }));
    expect(e.code).toBe('budget_exceeded');
    expect(e.message).toContain("team 'budget-team'");
    expect(e.headers.get('retry-after')).toBeNull(); // a budget without budget_duration never resets
    expect(r.emu.requests.length).toBe(before);
    const team = (await r.admin('/team/info?team_id=budget-team')).team_info as { spend: number };
    expect(team.spend).toBe(one);
    const u = (await r.admin('/user/new', { user_id: 'budget-user', max_budget: 0 })) as { key: string };
    const ue = await refused(r.client(u.key).chat.completions.create({ model: 'gpt', messages: hi }));
    expect(ue.message).toContain("user 'budget-user'");
  });

  it('native Responses calls (no preCall on that path) are admitted like chat calls: model access, budget and rpm before the upstream', async () => {
    clock = Math.floor(Date.now());
    const native = (key: string) => new OpenAI({ apiKey: key, baseURL: r.t.url, maxRetries: 0 }).responses.create({ model: 'gpt', input: 'hi' });
    const before = r.emu.requests.length;
    const narrow = (await r.admin('/key/generate', { models: ['echo'] })) as { key: string };
    expect(await refused(native(narrow.key))).toMatchObject({ status: 403, code: 'model_not_allowed' });
    const broke = (await r.admin('/key/generate', { max_budget: 0 })) as { key: string };
    expect(await refused(native(broke.key))).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect(r.emu.requests.length).toBe(before);
    const one = (await r.admin('/key/generate', { rpm_limit: 1 })) as { key: string; token: string };
    const ok = await native(one.key);
    expect(ok.status).toBe('completed');
    expect(await refused(native(one.key))).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(r.emu.requests.length).toBe(before + 1);
    const spend = ((await r.admin(`/key/info?key=${one.token}`)).info as { spend: number }).spend;
    expect(spend).toBeGreaterThan(0); // the admitted native call was priced and counted
  });

  it('refuses a budget where no cost plugin records spend', async () => {
    const t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), auth({ masterKey: MASTER }), mockProvider()] });
    try {
      const res = await fetch(`${t.origin}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify({ max_budget: 1 }) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { param: string; code: string } }).error).toMatchObject({ param: 'max_budget', code: 'budget_unavailable' });
    } finally {
      await t.close();
    }
  });
});
