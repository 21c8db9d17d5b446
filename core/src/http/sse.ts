/**
 * Server-sent events responses.
 */
import type { RouteResponse } from './routes-api.js';
import { TextStream, type FrameEncoder } from './text-stream.js';

/** Headers every SSE response carries. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});

/**
 * A route response that streams `frames` (already formatted SSE text) to the client, or
 * items that `encoder` formats as they are written (no generator of frames around them).
 * Breaking off (client gone) calls `return()` on the iterator, which ends upstream work.
 *
 * @example
 * ```ts
 * return sseResponse((async function* () { yield 'data: {"a":1}\n\n'; yield 'data: [DONE]\n\n'; })());
 * return sseResponse(chunks, {}, { frame: (c) => sseFrame(c), end: 'data: [DONE]\n\n' });
 * ```
 */
export function sseResponse(frames: AsyncIterable<string>, headers?: Record<string, string>): RouteResponse;
export function sseResponse<T>(items: AsyncIterable<T>, headers: Record<string, string> | undefined, encoder: FrameEncoder<T>): RouteResponse;
export function sseResponse<T>(frames: AsyncIterable<T>, headers: Record<string, string> = {}, encoder?: FrameEncoder<T>): RouteResponse {
  return {
    status: 200,
    headers: { ...SSE_HEADERS, ...headers },
    body: new TextStream(frames, encoder), // written frame by frame, no Readable or Buffer per frame
  };
}

/**
 * Formats one SSE frame: optional `event:` line, then `data:`.
 *
 * @example
 * ```ts
 * sseFrame({ type: 'response.created' }, 'response.created');
 * ```
 */
export function sseFrame(data: unknown, event?: string): string {
  const json = typeof data === 'string' ? data : JSON.stringify(data);
  return event ? `event: ${event}\ndata: ${json}\n\n` : `data: ${json}\n\n`;
}
