/**
 * Text frames (server-sent events) written straight to the Node response: no Readable in
 * between and no Buffer per frame (a string goes to the socket as it is), with the socket's
 * backpressure respected and the frames' iterator ended when the client goes.
 */
import type { ServerResponse } from 'node:http';

/**
 * How items become frames when the stream's items are not text yet: one function per item,
 * the text after the last item, and the text for an error the items throw. Writing the items
 * straight saves a generator around them (a promise, a result and a hop per item).
 *
 * @example
 * ```ts
 * const json: FrameEncoder<object> = { frame: (v) => `data: ${JSON.stringify(v)}\n\n`, end: 'data: [DONE]\n\n' };
 * ```
 */
export interface FrameEncoder<T> {
  /** The text for one item. */
  frame(item: T): string;
  /** Written after the last item, when the items end without an error. */
  end?: string;
  /** The text for an error the items throw (the response then ends cleanly); without it the response is cut. */
  error?(err: unknown): string;
}

/**
 * A response body of text frames, for {@link writeTextStream} (what `sseResponse` returns):
 * text as it is, or items with the {@link FrameEncoder} that turns each into text.
 *
 * @example
 * ```ts
 * const body = new TextStream((async function* () { yield 'data: 1\n\n'; })());
 * ```
 */
export class TextStream<T = string> {
  constructor(
    readonly frames: AsyncIterable<T>,
    readonly encoder?: FrameEncoder<T>,
  ) {}
}

/** Frames that are text already: written as they are, no end text, an error cuts the response. */
const AS_TEXT: FrameEncoder<unknown> = { frame: (item) => item as string };

/**
 * Writes each frame as it comes (each item through `encoder` when given), waiting for `drain`
 * when the socket's buffer is full; ends the response after the last frame (with the
 * encoder's end text), ends it with the encoder's error text or destroys it if the frames
 * throw, and calls `return()` on the iterator when the client closes first (which ends the
 * upstream work). Never rejects.
 *
 * @example
 * ```ts
 * void writeTextStream(res, body.frames, method === 'HEAD', body.encoder);
 * ```
 */
export async function writeTextStream<T = string>(res: ServerResponse, frames: AsyncIterable<T>, head: boolean, encoder: FrameEncoder<T> = AS_TEXT): Promise<void> {
  const it = frames[Symbol.asyncIterator]();
  let closed = false;
  let wake: (() => void) | undefined;
  const onClose = () => {
    closed = true;
    wake?.();
    void it.return?.()?.catch(() => undefined); // queued behind a pending next(): ends the work
  };
  const onDrain = () => wake?.();
  res.on('close', onClose);
  res.on('drain', onDrain);
  try {
    if (head) {
      await it.return?.();
      res.end();
      return;
    }
    for (;;) {
      let r: IteratorResult<T>;
      try {
        r = await it.next();
      } catch (err) {
        if (!encoder.error) throw err;
        // headers are sent: the error travels as a last frame
        if (!closed) res.end(encoder.error(err));
        return;
      }
      if (closed) return;
      if (r.done) {
        res.end(encoder.end);
        return;
      }
      if (!res.write(encoder.frame(r.value))) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (closed) return;
      }
    }
  } catch {
    res.destroy(); // the client sees the response cut, never a clean end
  } finally {
    res.off('close', onClose);
    res.off('drain', onDrain);
  }
}
