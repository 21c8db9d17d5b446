/**
 * Server-sent events read from a real upstream body over loopback: events arrive in the
 * batches the network delivers them in (several per write, one split across writes, a
 * multi-byte character cut in two), a last event without its blank line still counts, and
 * `sseEvents` gives the same events one by one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseEventBatches, sseEvents, upstreamFetch } from '@switchyard/upstream';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sseEventBatches / sseEvents', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const word = Buffer.from('data: {"w":"héllo"}\n\n');
      const cut = word.indexOf(0xc3) + 1;
      void (async () => {
        res.write('data: 1\n\ndata: 2\n\n'); // two events in one write
        await pause(20);
        res.write('event: ping\ndata: 3'); // an event split across writes
        await pause(20);
        res.write('\n\n');
        await pause(20);
        res.write(word.subarray(0, cut));
        await pause(20);
        res.write(word.subarray(cut));
        await pause(20);
        res.end('data: last'); // no blank line after the last event
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('yields the events each network chunk completed, as one non-empty array', async () => {
    const res = await upstreamFetch({ url: `${base}/`, method: 'GET', provider: 'test' });
    const batches: string[][] = [];
    for await (const batch of sseEventBatches(res, 'test')) batches.push(batch.map((e) => (e.event ? `${e.event}:${e.data}` : e.data)));
    expect(batches).toEqual([['1', '2'], ['ping:3'], ['{"w":"héllo"}'], ['last']]);
  });

  it('sseEvents yields the same events one by one', async () => {
    const res = await upstreamFetch({ url: `${base}/`, method: 'GET', provider: 'test' });
    const events: string[] = [];
    for await (const ev of sseEvents(res, 'test')) events.push(ev.data);
    expect(events).toEqual(['1', '2', '3', '{"w":"héllo"}', 'last']);
  });
});
