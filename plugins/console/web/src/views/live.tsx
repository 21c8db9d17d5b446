/** Live calls: every call as it finishes (server-sent events; the store is not read per call). */
import { useState } from 'preact/hooks';
import { Pill } from '../components/bits';
import { duration, int, time, usd } from '../format';
import { useConsole, useLive, useLiveStatus } from '../hooks';
import { href } from '../router';
import type { LiveCall } from '../types';

/** Calls kept on screen. */
export const LIVE_KEEP = 200;

export function LiveView() {
  const { live } = useConsole();
  const [calls, setCalls] = useState<LiveCall[]>(() => live?.recent().slice(0, LIVE_KEEP) ?? []);
  const status = useLiveStatus();
  useLive((call) => setCalls((cs) => [call, ...cs].slice(0, LIVE_KEEP)));
  return (
    <section>
      <h1>
        Live calls <Pill tone={status === 'open' ? 'ok' : status === 'connecting' ? 'warn' : 'bad'}>{status === 'open' ? 'connected' : status}</Pill>
      </h1>
      <p class="meta">Calls appear here as they finish, newest first (the last {LIVE_KEEP}).</p>
      <table class="grid" data-testid="live-table">
        <thead>
          <tr>
            <th>Started</th>
            <th>Model</th>
            <th>Deployment</th>
            <th>Status</th>
            <th class="num">Latency</th>
            <th class="num">Tokens in / out</th>
            <th class="num">Cost</th>
            <th>Session</th>
            <th>Key</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c) => (
            <tr key={c.id} data-testid="live-row" data-request-id={c.request_id}>
              <td>{time(c.started_at_ms)}</td>
              <td>
                {c.model ?? '—'}
                {c.stream && <Pill tone="info">stream</Pill>}
              </td>
              <td>{c.deployment ?? '—'}</td>
              <td>
                <Pill tone={c.outcome === 'ok' ? 'ok' : 'bad'}>{c.status}</Pill>
                {c.error && <span class="bad-text"> {c.error.code}</span>}
              </td>
              <td class="num">{duration(c.latency_ms)}</td>
              <td class="num">
                {int(c.input_tokens)} / {int(c.output_tokens)}
              </td>
              <td class="num">{usd(c.cost)}</td>
              <td>{c.session_id ? <a href={href('sessions', c.session_id)}>{c.session_id}</a> : '—'}</td>
              <td>{c.key_id ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {calls.length === 0 && <p class="empty">Waiting for calls…</p>}
    </section>
  );
}
