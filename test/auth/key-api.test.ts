/**
 * The key, user and team API with the request bodies of LiteLLM's docs (virtual_keys.md,
 * the /key/* endpoint docstrings) and the answer fields they document; who may call what;
 * every way a call is refused with a 401; bad bodies with a 400 naming the field.
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import costTracker from '@switchyard/cost-tracker';
import mockProvider from '@switchyard/provider-mock';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const MASTER = 'sk-1234-master-key-of-the-docs';
let clock = Math.floor(Date.now());
let t: TestGateway;
const issued: string[] = [];
const answers: string[] = [];

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { message: string; type: string; param: string | null; code: string | null } };
}

async function call(path: string, body?: unknown, key = MASTER, method?: string): Promise<Answer> {
  method ??= body === undefined ? 'GET' : 'POST';
  const res = await fetch(`${t.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  answers.push(text);
  const json = JSON.parse(text) as Answer['body'];
  if (typeof json.key === 'string' && json.key.startsWith('sk-')) issued.push(json.key);
  return { status: res.status, body: json };
}
const ok = async (path: string, body?: unknown, key?: string, method?: string) => {
  const a = await call(path, body, key, method);
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  return a.body;
};
const chat = (key: string, model = 'gpt-4') => new OpenAI({ apiKey: key, baseURL: t.url, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { status?: number }) => e.status,
  );

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), costTracker(), auth({ masterKey: MASTER, now: () => clock, cacheTtlMs: 0 }), mockProvider()],
    models: ['gpt-3.5-turbo', 'gpt-4', 'claude-2', 'azure-gpt-3.5'].map((name) => ({ name, provider: 'mock', model: 'echo' })),
  });
});
afterAll(() => t.close());

describe('/key/* as LiteLLM documents it', () => {
  it('POST /key/generate: the documented body; the answer has the key (shown once), expires, key_name and the settings', async () => {
    const g = await ok('/key/generate', { models: ['gpt-3.5-turbo', 'gpt-4', 'claude-2'], duration: '20m', metadata: { user: 'ishaan@berri.ai' }, team_id: 'core-infra', max_budget: 10 });
    expect(g.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(g.expires).toBe(new Date(clock + 20 * 60_000).toISOString());
    expect(g.key_name).toBe(`sk-...${(g.key as string).slice(-4)}`);
    expect(g).toMatchObject({ models: ['gpt-3.5-turbo', 'gpt-4', 'claude-2'], metadata: { user: 'ishaan@berri.ai' }, team_id: 'core-infra', max_budget: 10, spend: 0, user_id: null, key_alias: null });
    expect(g.token).toMatch(/^key_[0-9a-f]{24}$/);
    expect(g.token_id).toBe(g.token);
    expect(await status(chat(g.key as string, 'gpt-4'))).toBe(200);
    const e = await chat(g.key as string, 'azure-gpt-3.5').catch((x: unknown) => x as InstanceType<typeof OpenAI.APIError>);
    expect(e).toMatchObject({ status: 403, code: 'model_not_allowed', param: 'model' });
    expect((e as Error).message).toContain('`azure-gpt-3.5`');
  });

  it('the key works in Authorization: Bearer, api-key and x-api-key; every other key or none is a 401 invalid_api_key', async () => {
    const { key } = (await ok('/key/generate', {})) as { key: string };
    const body = JSON.stringify({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] });
    const post = (headers: Record<string, string>) => fetch(`${t.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    for (const h of [{ authorization: `Bearer ${key}` }, { authorization: `bearer  ${key}` }, { 'api-key': key }, { 'x-api-key': key }]) expect((await post(h)).status).toBe(200);
    for (const h of [{}, { authorization: `Bearer ${key}x` }, { authorization: `Basic ${key}` }, { authorization: 'Bearer' }, { 'x-api-key': 'sk-nope' }]) {
      const res = await post(h);
      expect(res.status).toBe(401);
      const err = ((await res.json()) as { error: Record<string, unknown> }).error;
      expect(err).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', param: null });
      expect(JSON.stringify(err)).not.toContain(key);
    }
    // every route but health checks asks for a key
    expect((await fetch(`${t.url}/models`)).status).toBe(401);
    expect((await fetch(`${t.origin}/key/info`)).status).toBe(401);
    expect((await fetch(`${t.origin}/health/liveliness`)).status).toBe(200);
  });

  it('GET /key/info: by key or by its token, or the caller itself; the stored hash is never shown', async () => {
    const g = (await ok('/key/generate', { key_alias: 'info-me', rpm_limit: 7 })) as { key: string; token: string };
    await chat(g.key);
    for (const ref of [g.key, g.token]) {
      const info = await ok(`/key/info?key=${encodeURIComponent(ref)}`);
      expect(info.key).toBe(g.token);
      expect(info.info).toMatchObject({ token: g.token, key_alias: 'info-me', rpm_limit: 7, spend: 0, models: [] });
    }
    const self = await ok('/key/info', undefined, g.key);
    expect((self.info as { token: string }).token).toBe(g.token);
    const hash = createHash('sha256').update(g.key).digest('hex');
    expect(answers.join('\n')).not.toContain(hash);
  });

  it('POST /key/update: the documented body; null clears; the answer names the key by token', async () => {
    const g = (await ok('/key/generate', { models: ['gpt-4'], max_budget: 5 })) as { key: string; token: string };
    const u = await ok('/key/update', { key: g.key, models: ['gpt-3.5-turbo', 'gpt-4', 'claude-2'], metadata: { user: 'ishaan@berri.ai' }, team_id: 'core-infra' });
    expect(u).toMatchObject({ key: g.token, models: ['gpt-3.5-turbo', 'gpt-4', 'claude-2'], metadata: { user: 'ishaan@berri.ai' }, team_id: 'core-infra', max_budget: 5 });
    expect(await status(chat(g.key, 'claude-2'))).toBe(200);
    const cleared = await ok('/key/update', { key: g.token, max_budget: null, models: null });
    expect(cleared).toMatchObject({ max_budget: null, models: [] });
    expect(await status(chat(g.key, 'azure-gpt-3.5'))).toBe(200);
  });

  it('GET /key/list: token list by default, full objects on request, filters and pages', async () => {
    for (const alias of ['list-a', 'list-b', 'list-c']) await ok('/key/generate', { team_id: 'list-team', key_alias: alias });
    const page = await ok('/key/list?team_id=list-team&size=2');
    expect(page).toMatchObject({ total_count: 3, current_page: 1, total_pages: 2 });
    expect(page.keys).toHaveLength(2);
    for (const k of page.keys as string[]) expect(k).toMatch(/^key_/);
    const full = await ok('/key/list?team_id=list-team&page=2&size=2&return_full_object=true');
    expect(full.keys).toEqual([expect.objectContaining({ team_id: 'list-team', key_alias: expect.stringMatching(/^list-/) })]);
    expect(JSON.stringify(full)).not.toMatch(/"key":"sk-/);
    expect((await ok('/key/list?key_alias=list-b')).total_count).toBe(1);
  });

  it('POST /key/delete: by keys or key_aliases, all or none; a deleted key is refused at once', async () => {
    const a = (await ok('/key/generate', {})) as { key: string; token: string };
    const b = (await ok('/key/generate', { key_alias: 'to-delete' })) as { key: string; token: string };
    const missing = await call('/key/delete', { keys: [a.key, 'sk-not-a-key-at-all-xxxxxxxx'] });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ param: 'keys[1]', code: 'key_not_found' });
    expect(await status(chat(a.key))).toBe(200); // nothing was deleted
    expect(await ok('/key/delete', { keys: [a.key] })).toEqual({ deleted_keys: [a.token] });
    expect(await ok('/key/delete', { key_aliases: ['to-delete'] })).toEqual({ deleted_keys: [b.token] });
    expect(await status(chat(a.key))).toBe(401);
    expect(await status(chat(b.key))).toBe(401);
    expect((await call(`/key/info?key=${a.token}`)).status).toBe(404);
  });

  it('POST /key/{key}/regenerate (no body) and /key/regenerate (new_key): a new secret, the same token; the old key stops working', async () => {
    const g = (await ok('/key/generate', { key_alias: 'rotate-me', rpm_limit: 9 })) as { key: string; token: string };
    const r1 = await ok(`/key/${encodeURIComponent(g.key)}/regenerate`, undefined, MASTER, 'POST');
    expect(r1.key).not.toBe(g.key);
    expect(r1).toMatchObject({ token: g.token, key_alias: 'rotate-me', rpm_limit: 9 });
    expect(await status(chat(g.key))).toBe(401);
    expect(await status(chat(r1.key as string))).toBe(200);
    const custom = 'sk-my-own-rotated-key-0123456789';
    const r2 = await ok('/key/regenerate', { key: g.token, new_key: custom, max_budget: 3 });
    expect(r2).toMatchObject({ key: custom, token: g.token, max_budget: 3 });
    expect(await status(chat(r1.key as string))).toBe(401);
    expect(await status(chat(custom))).toBe(200);
    // a key may rotate itself (and nothing else about itself)
    const self = await ok(`/key/${g.token}/regenerate`, undefined, custom, 'POST');
    expect(await status(chat(self.key as string))).toBe(200);
    expect((await call('/key/regenerate', { key: g.token, max_budget: 100 }, self.key as string)).status).toBe(403);
  });

  it('expired, blocked and team-blocked keys are refused with a 401 saying why', async () => {
    clock = Math.floor(Date.now());
    const g = (await ok('/key/generate', { duration: '30s', team_id: 'blockable' })) as { key: string; token: string };
    await ok('/team/new', { team_id: 'blockable' });
    expect(await status(chat(g.key))).toBe(200);
    clock += 30_000;
    const e = await chat(g.key).catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(e.message).toContain('expired');
    await ok('/key/update', { key: g.token, duration: '1h' });
    expect(await status(chat(g.key))).toBe(200);
    await ok('/key/block', { key: g.token });
    expect((await chat(g.key).catch((x: unknown) => x as Error)).message).toContain('blocked');
    await ok('/key/unblock', { key: g.token });
    await ok('/team/block', { team_id: 'blockable' });
    expect((await chat(g.key).catch((x: unknown) => x as Error)).message).toContain('team');
    await ok('/team/unblock', { team_id: 'blockable' });
    expect(await status(chat(g.key))).toBe(200);
  });

  it('bad bodies get a 400 naming the field; LiteLLM features Switchyard lacks are refused, not ignored', async () => {
    const cases: Array<[unknown, string]> = [
      [{ duration: '20 minutes' }, 'duration'],
      [{ max_budget: -1 }, 'max_budget'],
      [{ rpm_limit: 1.5 }, 'rpm_limit'],
      [{ models: 'gpt-4' }, 'models'],
      [{ model_max_budget: { 'gpt-4': { budget_limit: 1, time_period: '1d' } } }, 'model_max_budget'],
      [{ max_parallel_requests: 4 }, 'max_parallel_requests'],
      [{ aliases: { 'gpt-4': 'claude-2' } }, 'aliases'],
      [{ key: 'not-an-sk-key-0123456789' }, 'key'],
      [{ frobnicate: true }, 'frobnicate'],
    ];
    for (const [body, param] of cases) {
      const a = await call('/key/generate', body);
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.body.error).toMatchObject({ type: 'invalid_request_error', param });
    }
    await ok('/key/generate', { key_alias: 'unique-alias', send_invite_email: false, tags: [], aliases: {}, config: {}, permissions: {}, soft_budget: 1 });
    expect((await call('/key/generate', { key_alias: 'unique-alias' })).body.error).toMatchObject({ param: 'key_alias', code: 'key_alias_taken' });
    // at the same time: one wins, the others get the same 400 (the unique index decides), never a 500
    const race = await Promise.all(Array.from({ length: 6 }, () => call('/key/generate', { key_alias: 'raced-alias' })));
    expect(race.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
    const teams = await Promise.all(Array.from({ length: 4 }, () => call('/team/new', { team_id: 'raced-team' })));
    expect(teams.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    expect((await call('/key/update', { models: [] })).body.error).toMatchObject({ param: 'key', code: 'missing_required_parameter' });
    expect((await call('/key/delete', {})).body.error).toMatchObject({ param: 'keys' });
    // the body-optional path form: too large is a 413, and the connection stays usable
    const { token } = (await ok('/key/generate', {})) as { token: string };
    for (let i = 0; i < 3; i++) {
      expect((await call(`/key/${token}/regenerate`, { key_alias: 'x'.repeat(100_000) })).status).toBe(413);
      expect((await call(`/key/${token}/regenerate`, '{"unterminated')).status).toBe(400);
      await ok('/key/list?size=1');
    }
  });
});

describe('/user/* and /team/* as LiteLLM documents them', () => {
  it('POST /user/new: a user with its budget and a key for it; GET /user/info lists its keys and teams', async () => {
    await ok('/team/new', { team_id: 'cto-team', team_alias: 'CTO' });
    const u = await ok('/user/new', { user_id: 'ishaan1', user_email: 'ishaan@litellm.ai', user_role: 'app_owner', team_id: 'cto-team', max_budget: 20, budget_duration: '1h' });
    expect(u).toMatchObject({ user_id: 'ishaan1', user_email: 'ishaan@litellm.ai', user_role: 'internal_user', max_budget: 20, budget_duration: '1h', teams: ['cto-team'], spend: 0 });
    expect(u.key).toMatch(/^sk-/);
    await chat(u.key as string);
    const info = await ok('/user/info?user_id=ishaan1');
    expect(info).toMatchObject({ user_id: 'ishaan1', user_info: { user_id: 'ishaan1', max_budget: 20 }, teams: [{ team_id: 'cto-team', team_alias: 'CTO' }] });
    expect(info.keys).toEqual([expect.objectContaining({ user_id: 'ishaan1', team_id: 'cto-team' })]);
    const own = await ok('/user/info', undefined, u.key as string);
    expect(own.user_id).toBe('ishaan1');
    const bare = await ok('/user/new', { user_id: 'no-key-user', auto_create_key: false });
    expect(bare.key).toBeUndefined();
    expect((await call('/user/new', { user_id: 'ishaan1' })).body.error).toMatchObject({ param: 'user_id', code: 'user_exists' });
    const list = await ok('/user/list?page_size=1');
    expect(list).toMatchObject({ total: 2, page: 1, page_size: 1, total_pages: 2 });
    const upd = await ok('/user/update', { user_id: 'ishaan1', max_budget: 30 });
    expect(upd).toMatchObject({ user_id: 'ishaan1', data: { max_budget: 30 } });
    expect(await ok('/user/delete', { user_ids: ['ishaan1'] })).toEqual({ deleted_users: ['ishaan1'] });
    expect(await status(chat(u.key as string))).toBe(401); // the user's keys went with it
  });

  it('POST /team/new with members; /team/info, /team/list, /team/update, /team/delete (with its keys)', async () => {
    const team = await ok('/team/new', { team_alias: 'my-new-team', members_with_roles: [{ role: 'admin', user_id: 'u-1' }], max_budget: 10, budget_duration: '30d', rpm_limit: 100, models: ['gpt-4'] });
    expect(team.team_id).toMatch(/^team_/);
    expect(team).toMatchObject({ team_alias: 'my-new-team', members_with_roles: [{ role: 'admin', user_id: 'u-1' }], max_budget: 10, budget_duration: '30d', rpm_limit: 100, spend: 0, blocked: false });
    const k = (await ok('/key/generate', { team_id: team.team_id })) as { key: string };
    expect((await chat(k.key, 'claude-2').catch((e: Error) => e)).message).toContain('This team is not allowed to use model `claude-2`');
    const info = await ok(`/team/info?team_id=${team.team_id}`);
    expect(info).toMatchObject({ team_id: team.team_id, team_info: { team_alias: 'my-new-team' }, team_memberships: [] });
    expect(info.keys).toHaveLength(1);
    expect((await ok('/team/info', undefined, k.key)).team_id).toBe(team.team_id);
    expect(((await call('/team/list')).body as unknown as Array<{ team_id: string }>).map((x) => x.team_id)).toContain(team.team_id);
    expect(await ok('/team/update', { team_id: team.team_id, models: [] })).toMatchObject({ team_id: team.team_id, data: { models: [] } });
    expect(await status(chat(k.key, 'claude-2'))).toBe(200);
    expect(await ok('/team/delete', { team_ids: [team.team_id] })).toEqual({ deleted_teams: [team.team_id] });
    expect(await status(chat(k.key))).toBe(401);
    expect((await call('/team/delete', { team_ids: ['never-was'] })).status).toBe(404);
  });
});

describe('who may call what', () => {
  it('a virtual key manages nothing (403 whether or not the object exists) and sees no other key, user or team (404)', async () => {
    const mine = (await ok('/key/generate', { user_id: 'me', team_id: 'my-team' })) as { key: string; token: string };
    const other = (await ok('/key/generate', { user_id: 'other', team_id: 'other-team' })) as { key: string; token: string };
    await ok('/user/new', { user_id: 'other', auto_create_key: false });
    await ok('/team/new', { team_id: 'other-team' });
    for (const [path, body] of [
      ['/key/generate', {}],
      ['/key/update', { key: other.token, max_budget: 1 }],
      ['/key/update', { key: 'key_000000000000000000000000', max_budget: 1 }],
      ['/key/delete', { keys: [other.token] }],
      ['/key/block', { key: mine.token }],
      ['/user/new', {}],
      ['/team/new', {}],
      ['/team/update', { team_id: 'other-team' }],
      ['/user/delete', { user_ids: ['other'] }],
    ] as const) {
      const a = await call(path, body, mine.key);
      expect(a.status, path).toBe(403);
      expect(a.body.error).toMatchObject({ type: 'permission_error', code: 'forbidden' });
    }
    for (const path of [`/key/info?key=${other.token}`, `/key/info?key=${other.key}`, '/user/info?user_id=other', '/team/info?team_id=other-team', '/user/info?user_id=nobody']) {
      expect((await call(path, undefined, mine.key)).status, path).toBe(404);
    }
    expect((await call(`/key/${other.token}/regenerate`, {}, mine.key)).status).toBe(404);
    expect((await call('/user/list', undefined, mine.key)).status).toBe(403);
    const list = await ok('/key/list', undefined, mine.key);
    expect(list).toMatchObject({ keys: [mine.token], total_count: 1 });
    expect(await status(chat(other.key))).toBe(200); // untouched
  });

  it("a proxy_admin user's keys are admins; the master key comes from SWITCHYARD_MASTER_KEY too", async () => {
    const admin = await ok('/user/new', { user_id: 'ops', user_role: 'proxy_admin' });
    expect(await ok('/key/generate', {}, admin.key as string)).toHaveProperty('key');
    const saved = process.env.SWITCHYARD_MASTER_KEY;
    process.env.SWITCHYARD_MASTER_KEY = 'sk-from-the-environment-0123';
    const g = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), auth(), mockProvider()] });
    if (saved === undefined) delete process.env.SWITCHYARD_MASTER_KEY;
    else process.env.SWITCHYARD_MASTER_KEY = saved;
    try {
      const res = await fetch(`${g.origin}/key/generate`, { method: 'POST', headers: { authorization: 'Bearer sk-from-the-environment-0123', 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
    } finally {
      await g.close();
    }
    expect(() => auth({ masterKey: 'short' })).toThrow(/at least 8/);
  });

  it('no answer of this suite shows a stored hash', () => {
    const all = answers.join('\n');
    for (const key of issued) expect(all).not.toContain(createHash('sha256').update(key).digest('hex'));
    expect(issued.length).toBeGreaterThan(10);
  });
});
