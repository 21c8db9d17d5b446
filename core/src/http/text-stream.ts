/**
 * Text frames (server-sent events) written straight to the Node response: no Readable in
 * between and no Buffer per frame (a string goes to the socket as it is), with the socket's
 * backpressure respected and the frames' iterator ended when the client goes.
 */
import type { ServerResponse } from 'node:http';

/**
 * A response body of text frames, for {@link writeTextStream} (what `sseResponse` returns).
 *
 * @example
 * ```ts
 * const body = new TextStream((async function* () { yield 'data: 1\n\n'; })());
 * ```
 */
export class TextStream {
  constructor(readonly frames: AsyncIterable<string>) {}
}

/**
 * Writes each frame as it comes, waiting for `drain` when the socket's buffer is full; ends
 * the response after the last frame, destroys it if the frames throw, and calls `return()` on
 * the iterator when the client closes first (which ends the upstream work). Never rejects.
 *
 * @example
 * ```ts
 * void writeTextStream(res, body.frames, method === 'HEAD');
 * ```
 */
export async function writeTextStream(res: ServerResponse, frames: AsyncIterable<string>, head: boolean): Promise<void> {
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
      const r = await it.next();
      if (r.done || closed) break;
      if (!res.write(r.value)) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (closed) break;
      }
    }
    if (!closed) res.end();
  } catch {
    res.destroy(); // the client sees the response cut, never a clean end
  } finally {
    res.off('close', onClose);
    res.off('drain', onDrain);
  }
}
