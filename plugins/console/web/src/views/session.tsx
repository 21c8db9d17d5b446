/**
 * One session: totals, a link to its trace, the response chain, and a timeline of its calls
 * (each opens to its request and response when prompts are stored). Calls load a page at a
 * time without bodies; a call's bodies load when it is opened; new calls of the session
 * arrive with the live feed.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, getJson, query } from '../api';
import { layoutChain } from '../chain';
import { ErrorBox, Json, Pill, Stat } from '../components/bits';
import { ChainView } from '../components/chain-view';
import { duration, int, time, usd } from '../format';
import { useConsole, useDebounced, useLive } from '../hooks';
import { href } from '../router';
import type { SessionCall, SessionDetail } from '../types';

/** Calls per page of the timeline. */
export const CALLS_PAGE = 1000;

const sessionUrl = (id: string, owner: string | undefined, params: Record<string, string | number | boolean | undefined>) =>
  `/v1/sessions/${encodeURIComponent(id)}${query({ ...params, key: owner })}`;

interface State {
  head?: SessionDetail;
  calls: SessionCall[];
  hasMore: boolean;
  error?: unknown;
  loading: boolean;
}

export function SessionView({ id, owner }: { id: string; owner?: string }) {
  const { caps } = useConsole();
  const [state, setState] = useState<State>({ calls: [], hasMore: false, loading: true });
  const [open, setOpen] = useState<string | null>(null);
  const [trace, setTrace] = useState<string | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    setState({ calls: [], hasMore: false, loading: true });
    setOpen(null);
    getJson<SessionDetail>(sessionUrl(id, owner, { include_bodies: false, limit: CALLS_PAGE }), ac.signal).then(
      (d) => setState({ head: d, calls: d.calls, hasMore: d.calls_has_more, loading: false }),
      (error: unknown) => !ac.signal.aborted && setState({ calls: [], hasMore: false, error, loading: false }),
    );
    if (caps.trace) getJson<{ url: string | null }>(`/console/api/trace${query({ session: id })}`, ac.signal).then((t) => setTrace(t.url), () => setTrace(null));
    return () => ac.abort();
  }, [id, owner]);

  /** The calls after the last one shown (the next page, or new calls), with fresh totals. */
  const more = async () => {
    const last = state.calls.at(-1)?.id;
    try {
      const d = await getJson<SessionDetail>(sessionUrl(id, owner, { include_bodies: false, limit: CALLS_PAGE, after: last }));
      setState((s) => {
        const seen = new Set(s.calls.map((c) => c.id));
        return { ...s, head: d, calls: [...s.calls, ...d.calls.filter((c) => !seen.has(c.id))], hasMore: d.calls_has_more, error: undefined };
      });
    } catch (error) {
      // a session that did not exist yet may have been created by the live call
      if (error instanceof ApiError && error.status === 404) return;
      setState((s) => ({ ...s, error }));
    }
  };
  const tail = useDebounced(() => {
    if (state.head === undefined && !state.loading) {
      // the session's first call: load it as a whole
      return void getJson<SessionDetail>(sessionUrl(id, owner, { include_bodies: false, limit: CALLS_PAGE })).then(
        (d) => setState({ head: d, calls: d.calls, hasMore: d.calls_has_more, loading: false }),
        () => undefined,
      );
    }
    if (!state.hasMore) void more();
  }, 200);
  useLive((call) => {
    if (call.session_id === id && (owner === undefined || call.key_id === owner)) tail();
  });

  const chain = useMemo(() => layoutChain(state.calls), [state.calls]);
  const span = useMemo(() => {
    if (state.calls.length === 0) return { start: 0, total: 1 };
    const start = state.calls[0]!.timings.started_at_ms;
    const end = Math.max(...state.calls.map((c) => c.timings.ended_at_ms ?? c.timings.started_at_ms));
    return { start, total: Math.max(1, end - start) };
  }, [state.calls]);

  if (state.error !== undefined && !state.head) {
    const notFound = state.error instanceof ApiError && state.error.status === 404;
    return (
      <section>
        <p>
          <a href={href('sessions')}>← Sessions</a>
        </p>
        <h1>Session {id}</h1>
        {notFound ? <p class="empty">No session “{id}” (yet): its calls appear here as they are made.</p> : <ErrorBox error={state.error} />}
      </section>
    );
  }
  const h = state.head;
  return (
    <section>
      <p>
        <a href={href('sessions')}>← Sessions</a>
      </p>
      <h1>
        Session <code data-testid="session-id">{id}</code>
      </h1>
      {state.loading && <p class="empty">Loading…</p>}
      {h && (
        <>
          <div class="stats" data-testid="session-totals">
            <Stat label="Calls" value={int(h.call_count)} testid="total-calls" />
            <Stat label="Errors" value={int(h.error_count)} />
            <Stat label="Tokens in" value={int(h.usage.input_tokens)} />
            <Stat label="Tokens out" value={int(h.usage.output_tokens)} />
            <Stat label="Cached" value={int(h.usage.cached_tokens)} />
            <Stat label="Reasoning" value={int(h.usage.reasoning_tokens)} />
            <Stat label="Cost" value={usd(h.cost)} testid="total-cost" />
            <Stat label="Span" value={duration(h.last_call_at_ms - h.first_call_at_ms)} />
            <Stat label="Models" value={h.models.join(', ') || '—'} />
          </div>
          <p class="meta">
            {h.key_id && <>key {h.key_id} · </>}
            {h.user_id && <>user {h.user_id} · </>}
            {h.end_user && <>end user {h.end_user} · </>}
            first call {time(h.first_call_at_ms)}
            {trace && (
              <>
                {' · '}
                <a href={trace} target="_blank" rel="noreferrer noopener" data-testid="trace-link">
                  open trace ↗
                </a>
              </>
            )}
          </p>
        </>
      )}
      {chain && (
        <>
          <h2>Response chain</h2>
          <ChainView layout={chain} onPick={(callId) => setOpen(callId)} />
        </>
      )}
      {state.calls.length > 0 && <h2>Calls</h2>}
      <table class="grid timeline" data-testid="calls-table">
        <thead>
          <tr>
            <th class="num">#</th>
            <th>Started</th>
            <th>Operation</th>
            <th>Model</th>
            <th>Deployment</th>
            <th>Status</th>
            <th class="num">Latency</th>
            <th class="num">Tokens in / out</th>
            <th class="num">Cost</th>
            <th class="bar-col">Timeline</th>
          </tr>
        </thead>
        <tbody>
          {state.calls.map((c, i) => (
            <CallRow key={c.id} n={i + 1} call={c} previous={state.calls[i - 1]?.id} span={span} open={open === c.id} toggle={() => setOpen(open === c.id ? null : c.id)} sessionId={id} owner={owner} />
          ))}
        </tbody>
      </table>
      {state.hasMore && (
        <button type="button" class="secondary" onClick={() => void more()} data-testid="calls-more">
          Load more calls
        </button>
      )}
    </section>
  );
}

function CallRow(props: { n: number; call: SessionCall; previous: string | undefined; span: { start: number; total: number }; open: boolean; toggle: () => void; sessionId: string; owner: string | undefined }) {
  const { call: c, span } = props;
  const t = c.timings;
  const left = ((t.started_at_ms - span.start) / span.total) * 100;
  const width = Math.max(0.5, (((t.ended_at_ms ?? t.started_at_ms) - t.started_at_ms) / span.total) * 100);
  const ok = c.outcome === 'ok';
  return (
    <>
      <tr class={`call ${props.open ? 'open' : ''}`} onClick={props.toggle} data-testid="call-row" data-call-id={c.id} aria-expanded={props.open}>
        <td class="num">{props.n}</td>
        <td>{time(t.started_at_ms)}</td>
        <td>
          {c.operation}
          {c.stream && <Pill tone="info">stream</Pill>}
        </td>
        <td>{c.model ?? '—'}</td>
        <td>{c.deployment ?? '—'}</td>
        <td>
          <Pill tone={ok ? 'ok' : 'bad'}>{c.status}</Pill>
          {c.error?.code && <span class="bad-text"> {c.error.code}</span>}
        </td>
        <td class="num">{duration(t.duration_ms)}</td>
        <td class="num">
          {int(c.usage.input_tokens)} / {int(c.usage.output_tokens)}
        </td>
        <td class="num">{usd(c.cost)}</td>
        <td class="bar-col">
          <div class="bar-track">
            <div class={`bar ${ok ? '' : 'bad'}`} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} />
          </div>
        </td>
      </tr>
      {props.open && (
        <tr class="call-detail">
          <td colSpan={10}>
            <CallDetail call={c} previous={props.previous} sessionId={props.sessionId} owner={props.owner} />
          </td>
        </tr>
      )}
    </>
  );
}

/** A call opened: timings, ids, metadata, and its request and response (read when opened). */
function CallDetail({ call, previous, sessionId, owner }: { call: SessionCall; previous: string | undefined; sessionId: string; owner: string | undefined }) {
  const [full, setFull] = useState<SessionCall | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const ac = new AbortController();
    // the page of one call after the previous one: this call, with its bodies
    getJson<SessionDetail>(sessionUrl(sessionId, owner, { include_bodies: true, limit: 1, after: previous }), ac.signal).then(
      (d) => setFull(d.calls[0] ?? null),
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [call.id]);
  const t = call.timings;
  return (
    <div class="detail" data-testid="call-detail">
      <dl>
        <dt>Call</dt>
        <dd>{call.id}</dd>
        <dt>Request id</dt>
        <dd>{call.request_id}</dd>
        <dt>Endpoint</dt>
        <dd>{call.endpoint}</dd>
        <dt>Provider / upstream model</dt>
        <dd>
          {call.provider ?? '—'} / {call.upstream_model ?? '—'}
        </dd>
        <dt>Time to first token</dt>
        <dd>{duration(t.time_to_first_token_ms)}</dd>
        {call.response_id && (
          <>
            <dt>Response</dt>
            <dd>{call.response_id}</dd>
          </>
        )}
        {call.previous_response_id && (
          <>
            <dt>Continues</dt>
            <dd>{call.previous_response_id}</dd>
          </>
        )}
        {call.error && (
          <>
            <dt>Error</dt>
            <dd class="bad-text">
              {call.error.code}: {call.error.message}
            </dd>
          </>
        )}
        <dt>Tokens</dt>
        <dd>
          {int(call.usage.input_tokens)} in ({int(call.usage.cached_tokens)} cached), {int(call.usage.output_tokens)} out ({int(call.usage.reasoning_tokens)} reasoning)
        </dd>
      </dl>
      {Object.keys(call.metadata).length > 0 && (
        <>
          <h3>Metadata</h3>
          <Json value={call.metadata} />
        </>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      {full && full.bodies_omitted && <p class="empty">The bodies of this call are too large to show here.</p>}
      {full && !full.bodies_omitted && (full.request === null || full.request === undefined) && (
        <p class="empty" data-testid="no-bodies">
          Prompts are not stored (set <code>storePrompts: true</code> to keep requests and responses).
        </p>
      )}
      {full && full.request !== null && full.request !== undefined && (
        <div class="bodies">
          <div>
            <h3>Request</h3>
            <div data-testid="call-request">
              <Json value={full.request} />
            </div>
          </div>
          <div>
            <h3>Response</h3>
            <div data-testid="call-response">
              <Json value={full.response} />
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
