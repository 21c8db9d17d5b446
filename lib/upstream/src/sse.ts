/**
 * Reading server-sent events from an upstream body with eventsource-parser.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { UpstreamResponse } from '@switchyard/core';
import { upstreamFailure } from './http.js';

/**
 * Yields the SSE events of an upstream body in the batches they arrive in: every event one
 * network chunk completed, as one array (never empty; no buffering beyond one network chunk).
 * A consumer that handles each event synchronously saves an async step per event over
 * {@link sseEvents}. Transport failures mid-stream become gateway errors.
 *
 * @example
 * ```ts
 * for await (const batch of sseEventBatches(res, 'openai')) {
 *   for (const ev of batch) if (ev.data !== '[DONE]') handle(JSON.parse(ev.data));
 * }
 * ```
 */
export async function* sseEventBatches(res: UpstreamResponse, provider: string): AsyncGenerator<EventSourceMessage[]> {
  let batch: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => void batch.push(event) });
  const decoder = new TextDecoder();
  let ended = false;
  try {
    for await (const chunk of res.body.iterator({ destroyOnReturn: false })) {
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      if (batch.length) {
        const events = batch;
        batch = [];
        yield events;
      }
    }
    ended = true;
  } catch (err) {
    ended = true;
    throw upstreamFailure(err, provider);
  } finally {
    if (!ended) release(res.body);
  }
  parser.feed(decoder.decode());
  parser.feed('\n\n');
  if (batch.length) yield batch;
}

/**
 * Yields each SSE event of an upstream body as it arrives (no buffering beyond one
 * network chunk). Transport failures mid-stream become gateway errors.
 *
 * @example
 * ```ts
 * for await (const ev of sseEvents(res, 'openai')) {
 *   if (ev.data === '[DONE]') break;
 *   yield JSON.parse(ev.data);
 * }
 * ```
 */
export async function* sseEvents(res: UpstreamResponse, provider: string): AsyncGenerator<EventSourceMessage> {
  for await (const batch of sseEventBatches(res, provider)) {
    for (const event of batch) yield event;
  }
}

/**
 * The consumer stopped before the body ended, typically at a terminal event (`[DONE]`,
 * `message_stop`) with only the end of the chunked body still to come. Reading those few
 * bytes returns the keep-alive connection to the pool; destroying the body (what breaking
 * out of `for await` does) would close it, and every stream would open a new connection.
 * A body that has not ended within a second is destroyed.
 */
function release(body: UpstreamResponse['body']): void {
  if (body.readableEnded || body.destroyed) return;
  const timer = setTimeout(() => body.destroy(), 1_000);
  timer.unref();
  body.on('error', () => {});
  body.once('close', () => clearTimeout(timer));
  body.resume();
}

export type { EventSourceMessage };
