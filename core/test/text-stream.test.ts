/**
 * Text frames written straight to a real Node response over loopback: order and end, the
 * socket's backpressure (frames are not pulled ahead of a client that does not read), the
 * iterator ended when the client goes, and a failing iterator cutting the response.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTextStream, type FrameEncoder } from '../src/http/text-stream.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve<T = string>(frames: () => AsyncIterable<T>, encoder?: FrameEncoder<T>): Promise<number> {
  server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/event-stream');
    void writeTextStream(res, frames(), false, encoder);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('writeTextStream', () => {
  it('writes every frame in order and ends the response', async () => {
    const port = await serve(async function* () {
      for (let i = 0; i < 50; i++) yield `data: ${i}\n\n`;
    });
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(text).toBe(Array.from({ length: 50 }, (_, i) => `data: ${i}\n\n`).join(''));
  });

  it('waits for drain: a client that does not read holds the frames back; the iterator ends when it goes', async () => {
    let pulled = 0;
    let ended = false;
    const frame = `data: ${'x'.repeat(64 * 1024)}\n\n`;
    const port = await serve(async function* () {
      try {
        for (;;) {
          pulled++;
          yield frame;
        }
      } finally {
        ended = true;
      }
    });
    const req = http.get({ port, host: '127.0.0.1', path: '/' });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
    res.pause();
    await new Promise((r) => setTimeout(r, 300));
    // socket buffers on both sides hold a few MB at most: an unbounded pull would be thousands
    expect(pulled).toBeLessThan(200);
    const held = pulled;
    await new Promise((r) => setTimeout(r, 200));
    expect(pulled).toBe(held);
    req.destroy();
    await until(() => ended);
  });

  it('a client that goes while the iterator waits: the frame it then yields is not written, and the iterator is closed', async () => {
    let ended = false;
    let resumed = false;
    const port = await serve(async function* () {
      try {
        yield 'data: first\n\n';
        await new Promise((r) => setTimeout(r, 200)); // an upstream that is slow to send more
        resumed = true;
        yield 'data: late\n\n';
        yield 'data: never\n\n';
      } finally {
        ended = true;
      }
    });
    const req = http.get({ port, host: '127.0.0.1', path: '/' });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
    await new Promise((resolve) => res.once('data', resolve));
    req.destroy();
    await until(() => ended);
    expect(resumed).toBe(true); // return() waited behind the pending next(), then closed it
  });

  it('frames that throw cut the response (the client never sees a clean end)', async () => {
    const port = await serve(async function* () {
      yield 'data: one\n\n';
      throw new Error('upstream broke');
    });
    await expect(fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).rejects.toThrow();
  });

  const json: FrameEncoder<{ n: number }> = {
    frame: (v) => `data: ${JSON.stringify(v)}\n\n`,
    end: 'data: [DONE]\n\n',
    error: (err) => `data: {"error":${JSON.stringify((err as Error).message)}}\n\n`,
  };

  it('items with an encoder: each item framed in order, then the end text', async () => {
    const port = await serve(async function* () {
      for (let n = 0; n < 3; n++) yield { n };
    }, json);
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(text).toBe('data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it('items that throw with an encoder: the error frame is the last, the response ends cleanly, no end text', async () => {
    const port = await serve(async function* () {
      yield { n: 1 };
      throw new Error('upstream broke');
    }, json);
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(text).toBe('data: {"n":1}\n\ndata: {"error":"upstream broke"}\n\n');
  });

  it('items that throw with an encoder that has no error text: the response is cut', async () => {
    const port = await serve(async function* () {
      yield { n: 1 };
      throw new Error('upstream broke');
    }, { frame: json.frame });
    await expect(fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).rejects.toThrow();
  });
});
