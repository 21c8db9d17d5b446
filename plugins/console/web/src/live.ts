/**
 * The live calls feed: one server-sent events connection per page (`GET /console/api/live`,
 * read with fetch so the key goes in a header), handed to every view that listens, and
 * reopened after a drop.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { authHeaders } from './api';
import type { LiveCall } from './types';

export type LiveStatus = 'connecting' | 'open' | 'closed';
type Listener = (call: LiveCall) => void;

/** A live feed client. */
export interface LiveClient {
  subscribe(fn: Listener): () => void;
  /** The calls seen since the page opened, newest first (the last `keep`). */
  recent(): LiveCall[];
  onStatus(fn: (s: LiveStatus) => void): () => void;
  readonly status: LiveStatus;
  stop(): void;
}

/**
 * Opens the feed at `url` and keeps it open until `stop()`.
 *
 * @example
 * ```ts
 * const live = connectLive();
 * const off = live.subscribe((call) => console.log(call.model));
 * ```
 */
export function connectLive(url = '/console/api/live', retryMs = 2000, keep = 200): LiveClient {
  const listeners = new Set<Listener>();
  const seen: LiveCall[] = [];
  const statusListeners = new Set<(s: LiveStatus) => void>();
  let status: LiveStatus = 'connecting';
  const ac = new AbortController();
  const setStatus = (s: LiveStatus) => {
    status = s;
    for (const fn of statusListeners) fn(s);
  };

  const run = async () => {
    while (!ac.signal.aborted) {
      setStatus('connecting');
      try {
        const res = await fetch(url, { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: ac.signal, cache: 'no-store' });
        if (res.ok && res.body) {
          const reader = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            if (value.event === 'ready') setStatus('open');
            else if (value.event === 'call') {
              const call = JSON.parse(value.data) as LiveCall;
              seen.unshift(call);
              if (seen.length > keep) seen.pop();
              for (const fn of listeners) fn(call);
            }
          }
        }
      } catch {
        /* dropped: reopened below */
      }
      if (ac.signal.aborted) break;
      setStatus('closed');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void run();

  return {
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    recent: () => [...seen],
    onStatus(fn) {
      statusListeners.add(fn);
      return () => statusListeners.delete(fn);
    },
    get status() {
      return status;
    },
    stop() {
      ac.abort();
      setStatus('closed');
    },
  };
}
