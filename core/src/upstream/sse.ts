/**
 * Reading server-sent events from an upstream body with eventsource-parser.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { upstreamFailure, type UpstreamResponse } from './http.js';

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
  let batch: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => void batch.push(event) });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      if (batch.length) {
        const events = batch;
        batch = [];
        yield* events;
      }
    }
  } catch (err) {
    throw upstreamFailure(err, provider);
  }
  parser.feed(decoder.decode());
  parser.feed('\n\n');
  yield* batch;
}

export type { EventSourceMessage };
