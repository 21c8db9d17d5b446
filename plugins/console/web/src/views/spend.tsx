/** Spend: totals and charts by day, model, key, user and session; budgets against their limits. */
import { useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { ErrorBox, Progress, Stat } from '../components/bits';
import { BarChart } from '../components/chart';
import { int, usd } from '../format';
import { useConsole, useDebounced, useLive, useLoad } from '../hooks';
import type { BudgetStatus, List, SpendGroup, SpendReport } from '../types';

const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, all: 0 } as const;
type Range = keyof typeof RANGES;
const GROUPS = ['day', 'model', 'key', 'user', 'session'] as const;
/** Bars shown for a dimension (the most spent). */
export const TOP = 10;

/**
 * The bars of a report: by day in date order (every day of the range, gaps as 0), by any
 * other dimension the {@link TOP} most spent, unnamed values as `(none)`.
 */
export function bars(report: SpendReport, by: (typeof GROUPS)[number], metric: Metric = 'cost'): { labels: string[]; values: number[] } {
  const value = METRICS[metric].value;
  if (by === 'day') {
    const rows = [...report.data].filter((r) => r.group !== null).sort((a, b) => (a.group! < b.group! ? -1 : 1));
    return { labels: rows.map((r) => r.group!), values: rows.map(value) };
  }
  const rows = [...report.data].sort((a, b) => value(b) - value(a) || b.requests - a.requests).slice(0, TOP);
  return { labels: rows.map((r: SpendGroup) => r.group ?? '(none)'), values: rows.map(value) };
}

/** What the bars measure. */
export const METRICS = {
  cost: { label: 'Cost', value: (r: SpendGroup) => r.cost ?? 0, format: usd },
  requests: { label: 'Requests', value: (r: SpendGroup) => r.requests, format: int },
  tokens: { label: 'Tokens', value: (r: SpendGroup) => r.input_tokens + r.output_tokens, format: int },
} as const;
export type Metric = keyof typeof METRICS;

export function SpendView() {
  const { caps } = useConsole();
  const [range, setRange] = useState<Range>('7d');
  const [metric, setMetric] = useState<Metric>('cost');
  const m = METRICS[metric];
  const from = RANGES[range] ? Date.now() - RANGES[range] : undefined;
  const reports = useLoad(
    async (signal) => Object.fromEntries(await Promise.all(GROUPS.map(async (g) => [g, await getJson<SpendReport>(`/spend/report${query({ group_by: g, from: from === undefined ? undefined : Math.floor(from) })}`, signal)] as const))),
    [range],
  );
  const budgets = useLoad((signal) => (caps.views.budgets ? getJson<List<BudgetStatus>>('/spend/budgets', signal) : Promise.resolve(undefined)), []);
  const refresh = useDebounced(() => {
    reports.reload();
    budgets.reload();
  }, 1000);
  useLive(() => refresh());
  const r = reports.data as Record<(typeof GROUPS)[number], SpendReport> | undefined;
  const total = r?.day.total;
  return (
    <section>
      <h1>Spend</h1>
      <div class="toolbar">
        {(Object.keys(RANGES) as Range[]).map((k) => (
          <button type="button" key={k} class={k === range ? '' : 'secondary'} onClick={() => setRange(k)} aria-pressed={k === range}>
            {k === 'all' ? 'all time' : `last ${k}`}
          </button>
        ))}
        <span class="muted">·</span>
        {(Object.keys(METRICS) as Metric[]).map((k) => (
          <button type="button" key={k} class={k === metric ? '' : 'secondary'} onClick={() => setMetric(k)} aria-pressed={k === metric} data-testid={`metric-${k}`}>
            {METRICS[k].label}
          </button>
        ))}
      </div>
      {reports.error !== undefined && <ErrorBox error={reports.error} />}
      {total && (
        <div class="stats" data-testid="spend-totals">
          <Stat label="Cost" value={usd(total.cost)} testid="spend-total-cost" />
          <Stat label="Requests" value={int(total.requests)} />
          <Stat label="Tokens in" value={int(total.input_tokens)} />
          <Stat label="Tokens out" value={int(total.output_tokens)} />
          <Stat label="Unpriced calls" value={int(total.unpriced_requests)} />
        </div>
      )}
      {r && (
        <div class="charts">
          <BarChart name="day" title={`${m.label} by day (UTC)`} {...bars(r.day, 'day', metric)} format={m.format} />
          <BarChart name="model" title={`${m.label} by model`} {...bars(r.model, 'model', metric)} format={m.format} horizontal />
          <BarChart name="key" title={`${m.label} by key`} {...bars(r.key, 'key', metric)} format={m.format} horizontal />
          <BarChart name="user" title={`${m.label} by user`} {...bars(r.user, 'user', metric)} format={m.format} horizontal />
          <BarChart name="session" title={`${m.label} by session (top ${TOP})`} {...bars(r.session, 'session', metric)} format={m.format} horizontal />
        </div>
      )}
      {caps.views.budgets && (
        <>
          <h2>Budgets</h2>
          {budgets.error !== undefined && <ErrorBox error={budgets.error} />}
          {budgets.data && budgets.data.data.length === 0 && <p class="empty">No budgets configured (the cost tracker's budgets option).</p>}
          {budgets.data && budgets.data.data.length > 0 && (
            <table class="grid" data-testid="budgets-table">
              <thead>
                <tr>
                  <th>Scope</th>
                  <th>Of</th>
                  <th>Period</th>
                  <th class="wide">Spent of limit</th>
                </tr>
              </thead>
              <tbody>
                {budgets.data.data.map((b) => (
                  <tr key={`${b.scope}:${b.id}:${b.per_value}:${b.period}`} data-testid="budget-row">
                    <td>{b.scope}</td>
                    <td>{b.id ?? 'everything'}{b.per_value && <span class="muted"> (each)</span>}</td>
                    <td>{b.period}</td>
                    <td>
                      <Progress value={b.spent} max={b.max_budget} label={`${usd(b.spent)} of ${usd(b.max_budget)}`} tone={b.exceeded ? 'bad' : b.spent >= b.max_budget * 0.8 ? 'warn' : 'ok'} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
