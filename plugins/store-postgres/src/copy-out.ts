/**
 * Binary COPY out on a pooled connection of its own, for blob reads as raw bytes: the client
 * goes back to the pool when the COPY ends, and is discarded (it is mid-COPY) when the reader
 * stops early or the COPY fails.
 */
import { PassThrough, type Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/**
 * Returns the `copyOut` the store's blob reads use.
 *
 * @example
 * ```ts
 * const store = await createStore({ db, dialect: 'postgres', copyOut: copyOutOf(pool), onError });
 * ```
 */
export function copyOutOf(pool: pg.Pool): (statement: string) => Readable {
  return (statement) => {
    const out = new PassThrough();
    pool.connect().then(
      (client) => {
        if (out.destroyed) return client.release(); // the reader gave up before the COPY began
        let released = false;
        const release = (err?: Error) => {
          if (released) return;
          released = true;
          client.release(err); // an error destroys the connection instead of pooling it
        };
        const copy = client.query(copyTo(statement));
        copy.on('error', (err: Error) => {
          release(err);
          out.destroy(err);
        });
        copy.on('end', () => release());
        out.on('close', () => {
          if (!copy.readableEnded) release(new Error('blob read stopped before its end'));
        });
        copy.pipe(out);
      },
      (err: Error) => out.destroy(err),
    );
    return out;
  };
}
