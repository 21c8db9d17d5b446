import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway, mockProvider, sessionTracker } from '@switchyard/test-kit';
import webhookLogger from '@switchyard/logger-webhook';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records parsed from the wire are walked freely
type Json = Record<string, any>;

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A loopback receiver; `answer` picks the status of each POST (default 200); `got(n)` resolves once n POSTs arrived. */
async function startReceiver(answer: (n: number) => number = () => 200, port = 0) {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve(): void }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = answer(received.length);
      received.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      for (const w of waiters.filter((x) => received.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  const got = (n: number) => (received.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as AddressInfo).port;
  const delivered = () =>
    received
      .filter((r) => r.status < 300)
      .flatMap((r) => (r.headers['content-type'] === 'application/x-ndjson' ? r.body.trim().split('\n') .map((l) => JSON.parse(l)) : JSON.parse(r.body)) as Array<Json>);
  return {
    received,
    delivered,
    got,
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}/ingest`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A receiver that is down: it accepts each connection and resets it; `attempted` resolves on the first. */
async function startResetter(port: number) {
  let attempted: () => void = () => {};
  const first = new Promise<void>((resolve) => (attempted = resolve));
  const server = net.createServer((socket) => {
    attempted();
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { attempted: first, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const ask = (content: string) => ({ model: 'mock/echo', messages: [{ role: 'user' as const, content }] });

describe('@switchyard/logger-webhook', () => {
  let t: TestGateway | undefined;
  const receivers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await t?.close();
    t = undefined;
    for (const r of receivers.splice(0)) await r.close();
  });

  it('POSTs full batches as JSON arrays with the configured headers, and the partial batch on close', async () => {
    const rx = await startReceiver();
    receivers.push(rx);
    const logs = webhookLogger({ url: rx.url, headers: { authorization: 'Bearer hook' }, batchSize: 3, flushIntervalMs: 600_000 });
    t = await createTestGateway({ storePrompts: true, plugins: [mockProvider(), sessionTracker(), logs] });
    for (let i = 0; i < 7; i++) await t.client.chat.completions.create(ask(`m${i}`));
    await t.gateway.flush();
    await rx.got(2); // the two full batches; the seventh record waits for the timer or shutdown
    expect(rx.received.map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([3, 3]);
    expect(rx.received[0]!.headers.authorization).toBe('Bearer hook');
    expect(rx.received[0]!.headers['content-type']).toBe('application/json');
    expect(logs.stats()).toMatchObject({ queued: 1, dropped: 0 });

    await t.close();
    t = undefined;
    expect(rx.received).toHaveLength(3);
    const records = rx.delivered();
    expect(records.map((r) => r.request.messages[0].content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(records[0]).toMatchObject({ model: 'mock/echo', provider: 'mock', status: 200, outcome: 'ok' });
    expect(logs.stats()).toMatchObject({ queued: 0, sent: 7, batches: 3 });
  });

  it('retries a batch after 500 and 429 with backoff, then delivers it once', async () => {
    const rx = await startReceiver((n) => [500, 429][n] ?? 200);
    receivers.push(rx);
    const logs = webhookLogger({ url: rx.url, batchSize: 1, retryBaseMs: 5, retryMaxMs: 20 });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), logs] });
    await t.client.chat.completions.create(ask('retry me'));
    await t.gateway.flush();
    await logs.flush(); // resolves once the batch is delivered or given up
    expect(logs.stats().sent).toBe(1);
    expect(rx.received.map((r) => r.status)).toEqual([500, 429, 200]);
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
    expect(logs.stats()).toMatchObject({ retries: 2, failed: 0 });
  });

  it('does not retry a 400 and counts the batch as failed', async () => {
    const rx = await startReceiver(() => 400);
    receivers.push(rx);
    const logs = webhookLogger({ url: rx.url, batchSize: 1, retryBaseMs: 5 });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), logs] });
    await t.client.chat.completions.create(ask('refused'));
    await t.gateway.flush();
    await logs.flush();
    expect(logs.stats().failed).toBe(1);
    expect(rx.received).toHaveLength(1);
    expect(logs.stats().retries).toBe(0);
  });

  it('drops records beyond maxQueue, counts them, and never fails a call', async () => {
    const rx = await startReceiver();
    receivers.push(rx);
    const logs = webhookLogger({ url: rx.url, maxQueue: 2, batchSize: 100, flushIntervalMs: 600_000, format: 'ndjson', redact: true });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), logs] });
    for (let i = 0; i < 5; i++) {
      const r = await t.client.chat.completions.create(ask(`q${i}`));
      expect(r.choices[0]!.message.content).toBe(`q${i}`);
    }
    await t.gateway.flush();
    expect(logs.stats()).toMatchObject({ queued: 2, dropped: 3, sent: 0 });
    await t.close();
    t = undefined;
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.headers['content-type']).toBe('application/x-ndjson');
    const records = rx.delivered();
    expect(records).toHaveLength(2);
    expect(records[0]!.request).toBeUndefined();
    expect(rx.received[0]!.body).not.toContain('q0');
    expect(logs.stats()).toMatchObject({ queued: 0, dropped: 3, sent: 2 });
  });

  it('delivers every record across a receiver restart', async () => {
    const first = await startReceiver();
    const port = first.port;
    const logs = webhookLogger({ url: first.url, batchSize: 2, flushIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 100, maxAttempts: 100 });
    t = await createTestGateway({ storePrompts: true, plugins: [mockProvider(), sessionTracker(), logs] });
    for (let i = 0; i < 3; i++) await t.client.chat.completions.create(ask(`r${i}`));
    await t.gateway.flush();
    await logs.flush();
    expect(logs.stats().sent).toBe(3);
    await first.close();
    const down = await startResetter(port); // receiver down: every connection is reset
    for (let i = 3; i < 8; i++) await t.client.chat.completions.create(ask(`r${i}`));
    await t.gateway.flush();
    const delivered = logs.flush(); // keeps retrying until the receiver is back
    await down.attempted;
    await down.close();
    const second = await startReceiver(() => 200, port); // back up on the same port
    receivers.push(second);
    await delivered;
    expect(logs.stats().sent).toBe(8);
    expect(logs.stats().retries).toBeGreaterThan(0);
    const all = [...first.delivered(), ...second.delivered()].map((r) => r.request.messages[0].content as string);
    expect(all.sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(second.delivered().length).toBe(5);
    expect(logs.stats()).toMatchObject({ failed: 0, dropped: 0, queued: 0 });
  });

  it('bounds shutdown when the receiver never answers in time', async () => {
    const rx = await startReceiver(() => 503);
    receivers.push(rx);
    const logs = webhookLogger({ url: rx.url, batchSize: 1, retryBaseMs: 60_000, retryMaxMs: 60_000, closeTimeoutMs: 50 });
    t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), logs] });
    await t.client.chat.completions.create(ask('never delivered'));
    await t.gateway.flush();
    await rx.got(1); // the first attempt was refused: a retry a minute away is pending
    await t.close(); // returns although the retry would wait a minute
    t = undefined;
    expect(logs.stats()).toMatchObject({ sent: 0, failed: 1 });
  });
});
