/**
 * Decoding `application/vnd.amazon.eventstream` bodies with `@smithy/eventstream-codec`:
 * frames are cut by their length prelude and decoded (CRCs checked) by the codec.
 */
import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { GatewayError, type UpstreamResponse } from '@switchyard/core';
import { upstreamFailure } from '@switchyard/upstream';

/** One decoded event: its `:message-type`, `:event-type`/`:exception-type` and JSON payload. */
export interface BedrockEvent {
  messageType: string;
  /** `:event-type` for events, `:exception-type` (or `:error-code`) for exceptions and errors. */
  type: string;
  payload: Record<string, unknown>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function header(m: Message, name: string): string | undefined {
  const h = m.headers[name];
  return h && (h.type === 'string' || h.type === 'binary') ? (typeof h.value === 'string' ? h.value : toUtf8(h.value)) : undefined;
}

function toEvent(m: Message): BedrockEvent {
  const messageType = header(m, ':message-type') ?? 'event';
  const type = header(m, ':event-type') ?? header(m, ':exception-type') ?? header(m, ':error-code') ?? 'unknown';
  let payload: Record<string, unknown> = {};
  const text = toUtf8(m.body);
  if (text) {
    try {
      payload = JSON.parse(text) as Record<string, unknown>;
    } catch {
      payload = { message: text };
    }
  }
  if (messageType === 'error' && payload.message === undefined) payload.message = header(m, ':error-message');
  return { messageType, type, payload };
}

/**
 * Yields the events of an event-stream body as their frames complete.
 *
 * @example
 * ```ts
 * for await (const ev of eventStream(res, 'bedrock')) console.log(ev.type, ev.payload);
 * ```
 */
export async function* eventStream(res: UpstreamResponse, provider: string): AsyncGenerator<BedrockEvent> {
  let buffer = new Uint8Array(0);
  try {
    for await (const chunk of res.body) {
      const bytes = chunk as Uint8Array;
      const next = new Uint8Array(buffer.length + bytes.length);
      next.set(buffer);
      next.set(bytes, buffer.length);
      buffer = next;
      while (buffer.length >= 4) {
        const total = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0, false);
        if (total < 16) throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream sent a malformed event-stream frame.`, { publicCode: 'upstream_invalid_response', expose: true });
        if (buffer.length < total) break;
        const frame = buffer.subarray(0, total);
        buffer = buffer.subarray(total);
        let message: Message;
        try {
          message = codec.decode(frame);
        } catch (err) {
          throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream sent an event-stream frame that does not decode: ${(err as Error).message}`, {
            publicCode: 'upstream_invalid_response',
            expose: true,
          });
        }
        yield toEvent(message);
      }
    }
  } catch (err) {
    throw upstreamFailure(err, provider);
  }
  if (buffer.length > 0) {
    throw new GatewayError('GW_ERR_PROVIDER_CONNECTION', `The ${provider} stream ended in the middle of an event.`, { publicCode: 'upstream_connection_error', expose: true });
  }
}
