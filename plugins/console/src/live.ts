/**
 * The live calls feed: a `log` tap publishes each finished call to the browsers subscribed
 * right now (an in-memory fan-out: nothing is read from the store per event), each seeing
 * only what its principal may see (its own calls; an admin every call).
 */
import { ownerOf, toCallRecord, type CallEvent } from '@switchyard/core';
import type { LiveCall } from './live-call.js';

export type { LiveCall };

/**
 * The live view of a finished call.
 *
 * @example
 * ```ts
 * gateway.hooks.log.tapPromise(NAME, async (event) => feed.publish(event));
 * liveCallOf(event).session_id; // 'chat-42'
 * ```
 */
export function liveCallOf(event: CallEvent): LiveCall {
  const r = toCallRecord(event, { redact: true });
  return {
    id: `call_${r.id.replaceAll('-', '')}`,
    request_id: r.requestId,
    started_at_ms: event.ctx.startedAt,
    operation: r.operation,
    endpoint: r.endpoint,
    model: r.model ?? null,
    deployment: r.deployment ?? null,
    provider: r.provider ?? null,
    stream: r.stream,
    status: r.status,
    outcome: r.outcome,
    latency_ms: r.latencyMs,
    time_to_first_token_ms: r.ttftMs ?? null,
    input_tokens: r.inputTokens ?? null,
    output_tokens: r.outputTokens ?? null,
    cost: typeof r.cost === 'number' ? r.cost : null,
    session_id: r.sessionId ?? null,
    key_id: r.keyId ?? null,
    user_id: r.userId ?? null,
    end_user: r.endUser ?? null,
    response_id: r.responseId ?? null,
    error: event.error ? { code: event.error.publicCode ?? event.error.code, message: event.error.message } : null,
  };
}

/** A subscriber: the owner it may see (undefined: every owner) and its queue of frames. */
interface Subscriber {
  scope: string | undefined;
  queue: string[];
  lost: number;
  wake?: () => void;
}

/** Options of {@link createLiveFeed}. */
export interface LiveFeedOptions {
  /** Most frames queued for one slow browser; past it frames are dropped and counted. */
  maxQueue?: number;
  /** Comment frame sent this often so proxies keep the connection (ms). */
  heartbeatMs?: number;
}

/** The live feed. */
export interface LiveFeed {
  /** Sends a finished call to every subscriber allowed to see it; nothing when none listens. */
  publish(event: CallEvent): void;
  /** The SSE frames of one subscriber until `signal` aborts (the client left, the gateway closes). */
  subscribe(scope: string | undefined, signal: AbortSignal): AsyncGenerator<string>;
  /** Browsers subscribed now. */
  readonly size: number;
}

/**
 * Creates the in-memory live feed.
 *
 * @example
 * ```ts
 * const feed = createLiveFeed();
 * gateway.hooks.log.tapPromise(NAME, async (e) => feed.publish(e));
 * return sseResponse(feed.subscribe(ownerScope(req.principal), req.signal));
 * ```
 */
export function createLiveFeed(options: LiveFeedOptions = {}): LiveFeed {
  const maxQueue = options.maxQueue ?? 1000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const subscribers = new Set<Subscriber>();

  const push = (s: Subscriber, frame: string) => {
    if (s.queue.length >= maxQueue) s.lost++;
    else s.queue.push(frame);
    s.wake?.();
  };

  return {
    get size() {
      return subscribers.size;
    },
    publish(event) {
      if (subscribers.size === 0) return;
      const owner = ownerOf(event.ctx.principal);
      let frame: string | undefined;
      for (const s of subscribers) {
        if (s.scope !== undefined && s.scope !== owner) continue;
        frame ??= `event: call\ndata: ${JSON.stringify(liveCallOf(event))}\n\n`;
        push(s, frame);
      }
    },
    async *subscribe(scope, signal) {
      const s: Subscriber = { scope, queue: [], lost: 0 };
      subscribers.add(s);
      const onAbort = () => s.wake?.();
      signal.addEventListener('abort', onAbort, { once: true });
      const heartbeat = setInterval(() => push(s, ': ping\n\n'), heartbeatMs);
      heartbeat.unref();
      try {
        yield `retry: 3000\nevent: ready\ndata: ${JSON.stringify({ scope: scope === undefined ? 'all' : 'own' })}\n\n`;
        while (!signal.aborted) {
          if (s.queue.length === 0) {
            await new Promise<void>((resolve) => (s.wake = resolve));
            s.wake = undefined;
            continue;
          }
          if (s.lost > 0) {
            yield `event: lost\ndata: ${JSON.stringify({ calls: s.lost })}\n\n`;
            s.lost = 0;
          }
          const frames = s.queue.splice(0, s.queue.length);
          yield frames.join('');
        }
      } finally {
        clearInterval(heartbeat);
        signal.removeEventListener('abort', onAbort);
        subscribers.delete(s);
      }
    },
  };
}
