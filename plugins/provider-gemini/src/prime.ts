/**
 * Holding a stream back until its first chunk that says something, so the HTTP status is
 * not committed before the upstream has really answered: a failure up to that point (a
 * throttle or overload as the first event) throws from the provider's `chat` and becomes
 * a real HTTP error with its status and headers, which the client's SDK can retry.
 */
import type { ChatChunk } from '@switchyard/core';

/** Whether a chunk carries more than the opening `{role: 'assistant', content: ''}`. */
function substantive(chunk: ChatChunk): boolean {
  if (chunk.usage || chunk.choices.length === 0) return true;
  for (const c of chunk.choices) {
    if (c.finish_reason) return true;
    for (const key in c.delta) {
      const v = c.delta[key];
      if (key !== 'role' && v !== '' && v != null) return true;
    }
  }
  return false;
}

async function* replay(held: ChatChunk[], rest: AsyncGenerator<ChatChunk> | undefined): AsyncGenerator<ChatChunk> {
  try {
    yield* held;
    if (rest) yield* rest;
  } finally {
    // a consumer that stops early (client gone) ends the upstream read
    await rest?.return(undefined);
  }
}

/**
 * Reads `chunks` up to the first substantive chunk and returns a stream that replays what
 * was read, then the rest. Errors before that point are thrown from here.
 *
 * @example
 * ```ts
 * return { type: 'stream', chunks: await primeStream(toChatChunks(events)), upstreamRequestId };
 * ```
 */
export async function primeStream(chunks: AsyncGenerator<ChatChunk>): Promise<AsyncGenerator<ChatChunk>> {
  const held: ChatChunk[] = [];
  for (;;) {
    const r = await chunks.next();
    if (r.done) return replay(held, undefined);
    held.push(r.value);
    if (substantive(r.value)) return replay(held, chunks);
  }
}
