/**
 * The console in a real headless Chromium (Debian's, driven by playwright-core): calls made
 * through the official SDK appear in the page — the session with its calls, cost and
 * response chain, a call opened to its request and response, a new call arriving live, a
 * spend chart drawn, deployments, a batch's progress moving, signing in with a key that sees
 * only its own sessions. The page asks nothing of any host but the gateway. A screenshot of
 * each main view is saved under test-artifacts/console/ (gitignored). Timings of a
 * 1,000-call session and of paging through sessions of 100,000 calls are printed, not asserted.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import consolePlugin from '@switchyard/console';
import costTracker from '@switchyard/cost-tracker';
import { createCallContext, definePlugin } from '@switchyard/core';
import { callRowOf, writeCall, type CallRow } from '@switchyard/session-tracker';
import type { Store } from '@switchyard/store';
import otel, { sessionTrace } from '@switchyard/otel';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/console');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: BrowserContext;
let profile: string;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  profile = mkdtempSync(path.join(tmpdir(), 'sy-chromium-'));
  // a fresh, empty profile per run
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1400, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A page that records every request it makes and fails the test on a script error. */
async function openPage(origin: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${origin}/ui`);
  return { page, requests, errors };
}
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const rowsOf = (page: Page, testid: string) => page.locator(`[data-testid=${testid}]`);

/** Pixels of the chart bars' colour on the canvas of chart `name`. */
const barPixels = (page: Page, name: string) =>
  page.evaluate((n) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid=chart-${n}] canvas`);
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return 0;
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - 76) < 12 && Math.abs(d[i + 1]! - 110) < 12 && Math.abs(d[i + 2]! - 245) < 12) count++;
    return count;
  }, name);

describe('the console in Chromium', () => {
  // a batch whose progress the test moves: no batches plugin exists yet, this serves its list route
  const batch = { id: 'batch_demo', object: 'batch', endpoint: '/v1/chat/completions', status: 'in_progress', created_at: Math.floor(Date.now() / 1000), request_counts: { total: 10, completed: 2, failed: 0 } };
  const batches = definePlugin({
    name: 'test-batches',
    apply(g) {
      g.addRoute({ method: 'GET', path: '/v1/batches', handler: () => ({ body: { object: 'list', data: [batch], has_more: false } }) });
    },
  });
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({
      storePrompts: true,
      plugins: [
        sqliteStore({ file: tempDbFile() }),
        sessionTracker(),
        responses(),
        costTracker({ budgets: [{ scope: 'global', maxBudget: 0.05, period: 'daily' }] }),
        otel({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())], traceBy: 'session', traceUiUrl: 'http://127.0.0.1:16686/trace/{traceId}' }),
        consolePlugin(),
        batches,
        mockProvider(),
      ],
      models: [{ name: 'priced', provider: 'mock', model: 'echo', inputCostPerToken: 1e-4, outputCostPerToken: 2e-4 }],
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the session, its calls, cost and chain, a call opened, a live call, a chart, deployments and batch progress', { timeout: 60_000 }, async () => {
    const session = `browser-${Date.now().toString(36)}`;
    const first = await t.client.responses.create({ model: 'priced', input: 'the first question', metadata: { session_id: session } });
    const second = await t.client.responses.create({ model: 'priced', input: 'a follow-up', previous_response_id: first.id });
    await t.client.responses.create({ model: 'priced', input: 'another branch', previous_response_id: first.id });
    await t.client.chat.completions.create({ model: 'mock/lorem', max_tokens: 8, messages: [{ role: 'user', content: 'a chat call' }], metadata: { session_id: session } });

    const { page, requests, errors } = await openPage(t.origin);
    await page.locator(`[data-testid=session-row][data-session-id="${session}"]`).waitFor();
    await expect(page.getByTestId('open-notice').textContent()).resolves.toContain('127.0.0.1 only');
    await shot(page, 'sessions');

    await page.getByRole('link', { name: session }).click();
    await rowsOf(page, 'call-row').nth(3).waitFor();
    expect(await rowsOf(page, 'call-row').count()).toBe(4);
    expect(await page.getByTestId('total-calls').textContent()).toBe('Calls4');
    expect(await page.getByTestId('total-cost').textContent()).toMatch(/^Cost\$0\.0\d+$/);
    // the chain: 1 → 2 and 1 → 3; the chat call is no part of it
    expect(await rowsOf(page, 'chain-node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-response-id')))).toEqual([first.id, second.id, expect.stringMatching(/^resp_/)]);
    expect(await rowsOf(page, 'chain-edge').count()).toBe(2);
    expect(await page.getByTestId('trace-link').getAttribute('href')).toBe(`http://127.0.0.1:16686/trace/${sessionTrace(session).traceId}`);
    await shot(page, 'session');

    await rowsOf(page, 'call-row').nth(1).click();
    await page.getByTestId('call-request').waitFor();
    expect(await page.getByTestId('call-request').textContent()).toContain('a follow-up');
    expect(await page.getByTestId('call-response').textContent()).toContain(second.id);
    await shot(page, 'call');

    // a new call of the session appears on the open page, as it is made
    await t.client.chat.completions.create({ model: 'priced', messages: [{ role: 'user', content: 'live one' }], metadata: { session_id: session } });
    await rowsOf(page, 'call-row').nth(4).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=total-calls]')?.textContent === 'Calls5');

    await page.getByTestId('nav-live').click();
    await page.getByText('connected').waitFor();
    const live = await t.client.chat.completions.create({ model: 'priced', messages: [{ role: 'user', content: 'live two' }], metadata: { session_id: session } }).withResponse();
    await page.locator(`[data-testid=live-row][data-request-id="${live.response.headers.get('x-request-id')}"]`).waitFor();
    await shot(page, 'live');

    await page.getByTestId('nav-spend').click();
    await page.getByTestId('chart-model').locator('canvas').waitFor();
    await page.waitForFunction(() => !!document.querySelector('[data-testid=budget-row]'));
    expect(await barPixels(page, 'model')).toBeGreaterThan(50);
    expect(await barPixels(page, 'day')).toBeGreaterThan(50);
    expect(await page.getByTestId('budget-row').getByTestId('progress').textContent()).toMatch(/ of \$0\.0500$/);
    await shot(page, 'spend');

    await page.getByTestId('nav-deployments').click();
    await page.locator('[data-testid=deployment-row][data-deployment-id="priced#0"]').waitFor();
    expect(await page.locator('[data-testid=deployment-row][data-deployment-id="priced#0"]').textContent()).toContain('healthy');
    await shot(page, 'deployments');

    await page.getByTestId('nav-batches').click();
    const progress = page.locator('[data-testid=batch-row][data-batch-id=batch_demo] [data-testid=progress]');
    await progress.waitFor();
    expect(await progress.getAttribute('aria-valuenow')).toBe('2');
    batch.request_counts = { total: 10, completed: 7, failed: 1 };
    await page.waitForFunction(() => document.querySelector('[data-batch-id=batch_demo] [data-testid=progress]')?.getAttribute('aria-valuenow') === '8');
    expect(await progress.textContent()).toBe('8 / 10');
    await shot(page, 'batches');

    expect(errors).toEqual([]);
    const foreign = requests.filter((u) => !u.startsWith(`${t.origin}/`) && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
    await page.close();
  });
});

describe('the console behind @switchyard/auth, in Chromium', () => {
  const MASTER = 'sk-master-browser-0123456789';
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), costTracker(), auth({ masterKey: MASTER, cacheTtlMs: 0 }), consolePlugin(), mockProvider()] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('asks for a key; a virtual key sees only its own sessions, the master key every one', { timeout: 30_000 }, async () => {
    const gen = async () =>
      ((await (await fetch(`${t.origin}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: '{}' })).json()) as { key: string }).key;
    const [a, b] = [await gen(), await gen()];
    for (const [key, s, model] of [[a, 'tenant-a-session', 'mock/echo'], [b, 'tenant-b-session', 'mock/echo'], [a, 'same-id', 'mock/echo'], [b, 'same-id', 'mock/lorem']] as const) {
      await new OpenAI({ apiKey: key, baseURL: t.url, maxRetries: 0 }).chat.completions.create({ model, max_tokens: 3, messages: [{ role: 'user', content: s }], metadata: { session_id: s } });
    }
    const { page, errors } = await openPage(t.origin);
    await page.getByTestId('login').waitFor();
    await shot(page, 'login');
    await page.locator('input[name=key]').fill('sk-wrong-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.locator('input[name=key]').fill(a);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rowsOf(page, 'session-row').first().waitFor();
    expect(await rowsOf(page, 'session-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-session-id')))).toEqual(['same-id', 'tenant-a-session']);
    expect(await page.getByTestId('who').textContent()).toContain('its own calls only');
    expect(await page.getByTestId('nav-deployments').count()).toBe(0);
    await page.getByRole('button', { name: 'sign out' }).click();
    await page.locator('input[name=key]').fill(MASTER);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rowsOf(page, 'session-row').nth(3).waitFor();
    expect((await rowsOf(page, 'session-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-session-id')))).sort()).toEqual(['same-id', 'same-id', 'tenant-a-session', 'tenant-b-session']);
    // the same id used by two keys is two sessions: each row opens its own
    for (const model of ['mock/lorem', 'mock/echo']) {
      const row = rowsOf(page, 'session-row').filter({ hasText: 'same-id' }).nth(model === 'mock/lorem' ? 0 : 1);
      await row.getByRole('link').click();
      await rowsOf(page, 'call-row').first().waitFor();
      expect(await rowsOf(page, 'call-row').count()).toBe(1);
      expect(await rowsOf(page, 'call-row').first().textContent()).toContain(model);
      await page.goBack();
      await rowsOf(page, 'session-row').nth(3).waitFor();
    }
    // the 401 of the wrong key is the only error the page saw
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  });
});

/** A call row of session `session`, `i` ms after `t0`, with a little usage. */
function seedRow(base: CallRow, session: string, i: number, t0: number): CallRow {
  return { ...base, id: `call_seed_${session}_${i}`, request_id: `req_seed_${session}_${i}`, session_id: session, started_at: t0 + i, first_token_at: t0 + i + 1, ended_at: t0 + i + 2 };
}

/** Writes `sessions` sessions of `perSession` calls in bulk (multi-row inserts), with their totals. */
async function seed(store: Store, prefix: string, sessions: number, perSession: number, t0: number): Promise<void> {
  const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions' });
  ctx.model = 'mock/echo';
  ctx.usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
  ctx.cost = 0.00001;
  const base = callRowOf({ ctx, request: { model: 'mock/echo', messages: [] }, outcome: 'ok', status: 200 }, false);
  await store.transaction(async (trx) => {
    let calls: CallRow[] = [];
    const totals = [];
    for (let s = 0; s < sessions; s++) {
      const id = `${prefix}-${String(s).padStart(6, '0')}`;
      const start = t0 + s * perSession;
      for (let i = 0; i < perSession; i++) {
        calls.push(seedRow(base, id, i, start));
        if (calls.length === 800) {
          await trx.insertInto('sy_calls').values(calls).execute();
          calls = [];
        }
      }
      totals.push({ owner: '', id, key_id: null, team_id: null, user_id: null, end_user: null, first_at: start, last_at: start + perSession - 1, call_count: perSession, error_count: 0, input_tokens: 10 * perSession, output_tokens: 2 * perSession, cached_tokens: 0, reasoning_tokens: 0, cost: 0.00001 * perSession });
      if (totals.length === 1000) {
        await trx.insertInto('sy_sessions').values(totals.splice(0)).execute();
      }
    }
    if (calls.length) await trx.insertInto('sy_calls').values(calls).execute();
    if (totals.length) await trx.insertInto('sy_sessions').values(totals).execute();
  });
}

describe('the console at scale, in Chromium (timings printed, not asserted)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), consolePlugin(), mockProvider()] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('opens a 1,000-call session whole, and pages through sessions of 100,000 calls a page at a time', { timeout: 90_000 }, async () => {
    const store = t.gateway.services.store!;
    const t0 = Date.now() - 3_600_000;
    const seeding = performance.now();
    await seed(store, 'scale', 10_000, 10, t0 - 200_000); // 100,000 calls in 10,000 sessions
    const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions', sessionId: 'big-session' });
    ctx.model = 'mock/echo';
    ctx.usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };
    const base = callRowOf({ ctx, request: { model: 'mock/echo', messages: [] }, outcome: 'ok', status: 200 }, false);
    await store.transaction(async (trx) => {
      for (let i = 0; i < 1000; i++) await writeCall(trx, seedRow(base, 'big-session', i * 10, t0));
    });
    const seeded = performance.now() - seeding;

    const { page, requests } = await openPage(t.origin);
    await rowsOf(page, 'session-row').first().waitFor();
    // measured in the page: from the navigation to the frame where all 1,000 rows are drawn
    const { opened, fetchMs } = await page.evaluate(
      () =>
        new Promise<{ opened: number; fetchMs: number }>((resolve) => {
          const t1 = performance.now();
          location.hash = '#/sessions/big-session';
          const check = () => {
            if (document.querySelectorAll('[data-testid=call-row]').length < 1000) return void requestAnimationFrame(check);
            const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/v1/sessions/big-session')) as PerformanceResourceTiming | undefined;
            resolve({ opened: performance.now() - t1, fetchMs: entry ? entry.responseEnd - entry.startTime : Number.NaN });
          };
          check();
        }),
    );
    expect(await page.getByTestId('total-calls').textContent()).toBe('Calls1,000');
    await page.screenshot({ path: path.join(ARTIFACTS, 'session-1000.png') }); // the first screen of it

    await page.evaluate(() => (location.hash = '#/sessions'));
    await page.waitForFunction(() => document.querySelector('[data-testid=session-row]')?.getAttribute('data-session-id') === 'big-session');
    const pages: number[] = [];
    const before = requests.filter((u) => u.includes('/v1/sessions?')).length;
    let expectedFirst = 'big-session';
    for (let p = 2; p <= 5; p++) {
      const t1 = performance.now();
      await page.getByTestId('sessions-older').click();
      await page.waitForFunction((n) => document.querySelector('[data-testid=sessions-page]')?.textContent === `page ${n}`, p);
      await page.waitForFunction((prev) => {
        const first = document.querySelector('[data-testid=session-row]')?.getAttribute('data-session-id');
        return !!first && first !== prev;
      }, expectedFirst);
      pages.push(performance.now() - t1);
      expect(await rowsOf(page, 'session-row').count()).toBe(25);
      expectedFirst = (await rowsOf(page, 'session-row').first().getAttribute('data-session-id'))!;
    }
    // newest first: page 5 starts 4 pages of 25 after big-session, 101 sessions from the newest
    expect(expectedFirst).toBe(`scale-${String(10_000 - 100).padStart(6, '0')}`);
    expect(requests.filter((u) => u.includes('/v1/sessions?')).length - before).toBe(4); // one request per page, nothing more
    console.log(
      `console at scale (SQLite, Chromium): seeded 100,000 calls in 10,000 sessions + a 1,000-call session in ${seeded.toFixed(0)} ms; ` +
        `the 1,000-call session opened (all rows drawn) in ${opened.toFixed(0)} ms (its GET ${fetchMs.toFixed(0)} ms); sessions list pages 2-5 in ${pages.map((x) => x.toFixed(0)).join(', ')} ms (25 sessions each, one request per page)`,
    );
    await page.close();
  });
});
