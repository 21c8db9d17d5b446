// @vitest-environment happy-dom
/**
 * The views rendered in a DOM (happy-dom) against a real gateway on loopback: the page's
 * origin is the gateway's, so every fetch the views make is a real call to its APIs.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import costTracker from '@switchyard/cost-tracker';
import { createGateway, definePlugin, memoryDiagnostics, type Gateway } from '@switchyard/core';
import mockProvider from '@switchyard/provider-mock';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { tempDbFile } from '@switchyard/test-kit';
import consolePlugin from '../../src/index.js';
import { App, viewsOf } from '../../web/src/app';
import { bars } from '../../web/src/views/spend';
import { sessionsQuery } from '../../web/src/views/sessions';
import type { Capabilities, SpendReport } from '../../web/src/types';

/** A batch whose progress the test moves (the batches plugin does not exist yet: this serves its list route). */
const batch = { id: 'batch_1', object: 'batch', endpoint: '/v1/chat/completions', status: 'in_progress', created_at: 1_800_000_000, request_counts: { total: 4, completed: 1, failed: 0 } };
const batches = definePlugin({
  name: 'test-batches',
  apply(g) {
    g.addRoute({ method: 'GET', path: '/v1/batches', handler: () => ({ body: { object: 'list', data: [batch], has_more: false } }) });
  },
});

// the gateway itself, not the test kit's: the kit's SDK client refuses to run in a DOM
let gateway: Gateway;
let origin: string;
beforeAll(async () => {
  gateway = await createGateway({
    storePrompts: true,
    plugins: [sqliteStore({ file: tempDbFile() }), sessionTracker(), costTracker({ budgets: [{ scope: 'global', maxBudget: 1, period: 'daily' }] }), consolePlugin(), batches, mockProvider()],
    models: [{ name: 'priced', provider: 'mock', model: 'lorem', inputCostPerToken: 1e-4, outputCostPerToken: 2e-4 }],
  }, { diagnostics: memoryDiagnostics() });
  origin = (await gateway.listen({ port: 0 })).url.slice(0, -3);
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(`${origin}/ui`);
  for (const [i, s] of ['view-a', 'view-a', 'view-b'].entries()) {
    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'priced', max_tokens: 5, messages: [{ role: 'user', content: `question ${i}` }], metadata: { session_id: s } }),
    });
    expect(res.status).toBe(200);
  }
});
afterEach(() => {
  cleanup();
  location.hash = '';
});
afterAll(async () => {
  await gateway?.close({ timeoutMs: 2000 });
});

describe('console views', () => {
  it('lists sessions newest first with their calls and cost, and says the gateway has no auth', async () => {
    render(<App />);
    const rows = await screen.findAllByTestId('session-row');
    expect(rows.map((r) => r.getAttribute('data-session-id'))).toEqual(['view-b', 'view-a']);
    const a = within(rows[1]!).getAllByRole('cell').map((c) => c.textContent);
    expect(a[2]).toBe('2'); // calls
    expect(a[5]).toMatch(/^\$0\.00\d+$/); // cost
    expect(screen.getByTestId('open-notice').textContent).toContain('127.0.0.1 only');
    expect(screen.getAllByRole('link').map((l) => l.textContent)).toEqual(expect.arrayContaining(['Sessions', 'Live', 'Spend', 'Batches', 'Deployments']));
  });

  it('opens a session: totals, a timeline row per call, and a call with its stored request and response', async () => {
    location.hash = '#/sessions/view-a';
    render(<App />);
    const rows = await screen.findAllByTestId('call-row');
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId('total-calls').textContent).toBe('Calls2');
    fireEvent.click(rows[1]!);
    const request = await screen.findByTestId('call-request');
    expect(request.textContent).toContain('question 1');
    expect(screen.getByTestId('call-response').textContent).toContain('"completion_tokens": 5');
  });

  it('moves a batch progress bar as its request_counts move', async () => {
    location.hash = '#/batches';
    render(<App />);
    const bar = await screen.findByTestId('progress');
    expect(bar.getAttribute('aria-valuenow')).toBe('1');
    batch.request_counts = { total: 4, completed: 3, failed: 0 };
    await waitFor(() => expect(screen.getByTestId('progress').getAttribute('aria-valuenow')).toBe('3'), { timeout: 5000 });
    expect(screen.getByTestId('progress').textContent).toBe('3 / 4');
  });

  it('shows spend by model and the budget against its limit', async () => {
    location.hash = '#/spend';
    render(<App />);
    const table = await screen.findByTestId('chart-model-data');
    expect(within(table).getByRole('rowheader').textContent).toBe('priced');
    const budget = await screen.findByTestId('budget-row');
    expect(within(budget).getByTestId('progress').textContent).toMatch(/^\$0\.00\d+ of \$1\.00$/);
  });

  it('shows every deployment with its health', async () => {
    location.hash = '#/deployments';
    render(<App />);
    const row = await screen.findByText('priced', { selector: '[data-testid=deployment-row] td' });
    expect(row.closest('tr')!.textContent).toContain('healthy');
  });
});

describe('view helpers', () => {
  it('builds the sessions query from the filters, skipping empty ones', () => {
    expect(sessionsQuery({ search: ' run-', key: '', user: 'u1', model: 'gpt-4o', from: '', to: '' }, 'cursor-1')).toBe('?limit=25&after=cursor-1&search=run-&user=u1&model=gpt-4o');
  });

  it('orders day bars by date and other bars by most spent, ten at most', () => {
    const report = (groups: Array<[string | null, number]>): SpendReport => ({
      object: 'spend.report',
      group_by: 'x',
      data: groups.map(([group, cost]) => ({ group, requests: 1, input_tokens: 1, output_tokens: 1, cost, unpriced_requests: 0 })),
      total: { requests: 0, input_tokens: 0, output_tokens: 0, cost: 0, unpriced_requests: 0 },
    });
    expect(bars(report([['2026-01-02', 1], ['2026-01-01', 2]]), 'day')).toEqual({ labels: ['2026-01-01', '2026-01-02'], values: [2, 1] });
    const many = report(Array.from({ length: 12 }, (_, i) => [i === 0 ? null : `m${i}`, i] as [string | null, number]));
    expect(bars(many, 'model').labels).toEqual(['m11', 'm10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2']);
    expect(bars(many, 'model', 'requests').values).toHaveLength(10);
  });

  it('shows a view only when its source is there', () => {
    const caps = (views: Partial<Capabilities['views']>): Capabilities => ({
      object: 'console.capabilities',
      version: '0',
      auth: { enabled: true, loopback_only: false, admin: false, key_id: 'k' },
      views: { sessions: true, spend: true, budgets: false, deployments: false, batches: false, live: true, ...views },
      store_prompts: false,
      trace: false,
    });
    expect(viewsOf(caps({})).map((v) => v.id)).toEqual(['sessions', 'live', 'spend']);
    expect(viewsOf(caps({ batches: true, deployments: true })).map((v) => v.id)).toEqual(['sessions', 'live', 'spend', 'batches', 'deployments']);
  });
});
