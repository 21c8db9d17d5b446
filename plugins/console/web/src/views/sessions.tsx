/**
 * Sessions, most recently active first: filters by key, user, model and time, search by id
 * (prefix), paged by cursor (a page at a time, however many calls there are), refreshed
 * when a live call arrives.
 */
import { useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { ErrorBox } from '../components/bits';
import { ago, fromLocalInput, int, time, usd } from '../format';
import { useConsole, useDebounced, useLive, useLoad } from '../hooks';
import { href } from '../router';
import type { List, SessionSummary } from '../types';

/** Sessions per page. */
export const PAGE_SIZE = 25;

export interface SessionFiltersForm {
  search: string;
  key: string;
  user: string;
  model: string;
  from: string;
  to: string;
}

const EMPTY: SessionFiltersForm = { search: '', key: '', user: '', model: '', from: '', to: '' };

/** The `GET /v1/sessions` query of the filters and page cursor. */
export function sessionsQuery(f: SessionFiltersForm, after: string | undefined): string {
  return query({
    limit: PAGE_SIZE,
    after,
    search: f.search.trim(),
    key: f.key.trim(),
    user: f.user.trim(),
    model: f.model.trim(),
    from: fromLocalInput(f.from),
    to: fromLocalInput(f.to),
  });
}

export function SessionsView() {
  const { caps } = useConsole();
  const [form, setForm] = useState<SessionFiltersForm>(EMPTY);
  const [filters, setFilters] = useState<SessionFiltersForm>(EMPTY);
  // cursors of the pages before this one: "Newer" pops, "Older" pushes
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const after = cursors[cursors.length - 1];
  const { data, error, loading, reload } = useLoad((signal) => getJson<List<SessionSummary>>(`/v1/sessions${sessionsQuery(filters, after)}`, signal), [filters, after]);
  const refresh = useDebounced(reload, 300);
  useLive((call) => {
    if (call.session_id && cursors.length === 1) refresh();
  });
  const set = (k: keyof SessionFiltersForm) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const apply = (e: Event) => {
    e.preventDefault();
    setFilters(form);
    setCursors([undefined]);
  };
  const rows = data?.data ?? [];
  return (
    <section>
      <h1>Sessions</h1>
      <form class="filters" onSubmit={apply} data-testid="session-filters">
        <input placeholder="session id starts with…" value={form.search} onInput={set('search')} aria-label="Search by session id" name="search" />
        <input placeholder="key id" value={form.key} onInput={set('key')} aria-label="Key" name="key" />
        <input placeholder="user" value={form.user} onInput={set('user')} aria-label="User" name="user" />
        <input placeholder="model" value={form.model} onInput={set('model')} aria-label="Model" name="model" />
        <label>
          from <input type="datetime-local" value={form.from} onInput={set('from')} name="from" />
        </label>
        <label>
          to <input type="datetime-local" value={form.to} onInput={set('to')} name="to" />
        </label>
        <button type="submit">Apply</button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setForm(EMPTY);
            setFilters(EMPTY);
            setCursors([undefined]);
          }}
        >
          Clear
        </button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
      <table class="grid" data-testid="sessions-table">
        <thead>
          <tr>
            <th>Session</th>
            <th>Last call</th>
            <th class="num">Calls</th>
            <th class="num">Errors</th>
            <th class="num">Tokens in / out</th>
            <th class="num">Cost</th>
            <th>Key</th>
            <th>User</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={`${s.key_id}:${s.id}`} data-testid="session-row" data-session-id={s.id}>
              <td>
                {/* an admin sees every key's sessions: the key picks among sessions of one id */}
                <a href={caps.auth.admin && s.key_id ? href('sessions', s.id, s.key_id) : href('sessions', s.id)}>{s.id}</a>
              </td>
              <td title={time(s.last_call_at_ms)}>{ago(s.last_call_at_ms)}</td>
              <td class="num">{int(s.call_count)}</td>
              <td class="num">{s.error_count > 0 ? <span class="bad-text">{int(s.error_count)}</span> : '0'}</td>
              <td class="num">
                {int(s.usage.input_tokens)} / {int(s.usage.output_tokens)}
              </td>
              <td class="num">{usd(s.cost)}</td>
              <td>{s.key_id ?? '—'}</td>
              <td>{s.user_id ?? s.end_user ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && error === undefined && <p class="empty">No sessions{filters === EMPTY ? ' yet: send calls with a session id (header x-session-id, or metadata.session_id).' : ' match these filters.'}</p>}
      <div class="pager">
        <button type="button" class="secondary" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <span data-testid="sessions-page">page {cursors.length}</span>
        <button type="button" class="secondary" disabled={!data?.has_more} onClick={() => data?.last_id && setCursors([...cursors, data.last_id])} data-testid="sessions-older">
          Older →
        </button>
      </div>
    </section>
  );
}
