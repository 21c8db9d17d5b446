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

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The held chunks, then the rest of the upstream stream: a plain iterator that hands
 * `next()` straight to the upstream once the held chunks are out (no extra generator per
 * chunk), and ends the upstream read when the consumer stops early.
 */
class Primed implements AsyncIterableIterator<ChatChunk> {
  #i = 0;
  constructor(
    private readonly held: ChatChunk[],
    private readonly rest: AsyncGenerator<ChatChunk> | undefined,
  ) {}

  next(): Promise<IteratorResult<ChatChunk>> {
    if (this.#i < this.held.length) return Promise.resolve({ value: this.held[this.#i++]!, done: false });
    return this.rest ? this.rest.next() : Promise.resolve(DONE);
  }

  async return(): Promise<IteratorResult<ChatChunk>> {
    this.#i = this.held.length;
    await this.rest?.return(undefined);
    return DONE;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChatChunk> {
    return this;
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
export async function primeStream(chunks: AsyncGenerator<ChatChunk>): Promise<AsyncIterableIterator<ChatChunk>> {
  const held: ChatChunk[] = [];
  for (;;) {
    const r = await chunks.next();
    if (r.done) return new Primed(held, undefined);
    held.push(r.value);
    if (substantive(r.value)) return new Primed(held, chunks);
  }
}
