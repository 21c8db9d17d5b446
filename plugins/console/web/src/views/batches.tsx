/** Batches (when a plugin serves /v1/batches): status, progress from request_counts, cost. */
import { getJson } from '../api';
import { ErrorBox, Pill, Progress } from '../components/bits';
import { int, time, usd } from '../format';
import { useInterval, useLoad } from '../hooks';
import type { Batch, List } from '../types';

const RUNNING = new Set(['validating', 'in_progress', 'finalizing', 'cancelling']);
/** How often running batches are read again. */
export const BATCHES_REFRESH_MS = 1500;

/** Done (completed or failed) of total requests. */
export function progressOf(b: Batch): { done: number; total: number } {
  const c = b.request_counts;
  return c ? { done: c.completed + c.failed, total: c.total } : { done: 0, total: 0 };
}

export function BatchesView() {
  const { data, error, reload } = useLoad((signal) => getJson<List<Batch>>('/v1/batches?limit=50', signal), []);
  const running = (data?.data ?? []).some((b) => RUNNING.has(b.status));
  useInterval(reload, BATCHES_REFRESH_MS, running);
  return (
    <section>
      <h1>Batches</h1>
      {error !== undefined && <ErrorBox error={error} />}
      {data && data.data.length === 0 && <p class="empty">No batches yet.</p>}
      <table class="grid" data-testid="batches-table">
        <thead>
          <tr>
            <th>Batch</th>
            <th>Endpoint</th>
            <th>Status</th>
            <th class="wide">Progress</th>
            <th class="num">Failed</th>
            <th class="num">Cost</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {(data?.data ?? []).map((b) => {
            const p = progressOf(b);
            return (
              <tr key={b.id} data-testid="batch-row" data-batch-id={b.id}>
                <td>{b.id}</td>
                <td>{b.endpoint ?? '—'}</td>
                <td>
                  <Pill tone={b.status === 'completed' ? 'ok' : b.status === 'failed' || b.status === 'expired' || b.status === 'cancelled' ? 'bad' : 'info'}>{b.status}</Pill>
                </td>
                <td>
                  <Progress value={p.done} max={p.total} label={`${int(p.done)} / ${int(p.total)}`} tone={b.request_counts?.failed ? 'warn' : 'ok'} />
                </td>
                <td class="num">{int(b.request_counts?.failed ?? 0)}</td>
                <td class="num">{usd(b.cost ?? null)}</td>
                <td>{b.created_at ? time(b.created_at * 1000) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
