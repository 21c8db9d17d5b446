/**
 * The loopback HTTP server every emulator runs on, with request recording and a fault
 * queue (status codes, delays, hangs, dropped connections mid-stream).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the emulator received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body, when the body was JSON. */
  body: unknown;
}

/** A fault to inject into the next matching request(s). */
export interface Fault {
  /** Answer with this status and `body` (JSON) instead of the normal answer. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Streams: destroy the socket after this many events. */
  dropAfterEvents?: number;
  /** Streams: send this many events, then hold the stream open (no more events, no end) until the client goes. */
  stallAfterEvents?: number;
  /** Close the socket without any answer. */
  reset?: boolean;
  /** Answer with exactly this (any status, content type and body text: HTML, `{}`, `null`, a redirect). */
  raw?: { status: number; headers?: Record<string, string>; body?: string };
  /** Streams: end the response cleanly after this many events (no final event, no `[DONE]`). */
  endAfterEvents?: number;
  /** Streams: send these frames (raw SSE text) after the first event instead of the rest. */
  replaceEvents?: string[];
  /** How many requests this fault applies to (default 1). */
  times?: number;
  /** Only requests whose path includes this. */
  pathIncludes?: string;
  /** Only requests with this method (`POST`, ...). */
  method?: string;
}

/** What a handler gets. */
export interface EmulatorExchange {
  req: RecordedRequest;
  /** The body's bytes (a multipart upload is parsed from these). */
  raw: Buffer;
  res: http.ServerResponse;
  fault?: Fault;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Resolves once `n` requests have been received in all (counted from the last `reset`). */
  received(n: number): Promise<void>;
  /** Queues a fault for the next request(s). */
  fault(fault: Fault): void;
  /** Clears faults and recorded requests. */
  reset(): void;
  /** Most requests in flight at once (being answered) since the last `reset`. */
  peakInFlight(): number;
  /** Connections open at the emulator now (a leak check: the gateway's pool keeps only what it reuses). */
  connections(): Promise<number>;
  close(): Promise<void>;
}

/** Routes requests; return false when nothing matched (→ 404). */
export type EmulatorHandler = (x: EmulatorExchange) => Promise<boolean | void> | boolean | void;

/**
 * Starts an emulator server on 127.0.0.1 (port 0 picks a free port).
 *
 * @example
 * ```ts
 * const emu = await startEmulator(async ({ req, res }) => { res.end('{}'); return true; });
 * ```
 */
export async function startEmulator(handler: EmulatorHandler, options: { port?: number; record?: boolean } = {}): Promise<Emulator> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  let seen = 0;
  const waiters: Array<{ n: number; resolve(): void }> = [];
  const record = options.record ?? true;
  let inFlight = 0;
  let peak = 0;
  const server = http.createServer(async (req, res) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    let counted = true;
    res.on('close', () => {
      if (counted) inFlight -= 1;
      counted = false;
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers, text, body };
    if (record) requests.push(recorded);
    seen++;
    for (const w of waiters.filter((x) => seen >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    const i = faults.findIndex((f) => (!f.pathIncludes || recorded.path.includes(f.pathIncludes)) && (!f.method || f.method === recorded.method));
    let fault: Fault | undefined;
    if (i >= 0) {
      fault = faults[i]!;
      if (--fault.times! <= 0) faults.splice(i, 1);
    }
    try {
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault!.delayMs));
      if (fault?.hang) return;
      if (fault?.reset) return void req.socket.destroy();
      if (fault?.raw) {
        res.writeHead(fault.raw.status, fault.raw.headers ?? {});
        return void res.end(fault.raw.body ?? '');
      }
      if (fault?.status) {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        return void res.end(JSON.stringify(fault.body ?? { error: { message: `emulated ${fault.status}`, type: 'server_error', param: null, code: null } }));
      }
      const handled = await handler({ req: recorded, raw, res, fault });
      if (handled === false && !res.headersSent) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `emulator: no route ${recorded.method} ${recorded.path}`, type: 'invalid_request_error', param: null, code: null } }));
      }
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `emulator crashed: ${(err as Error).message}`, type: 'server_error', param: null, code: null } }));
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    received: (n) => (seen >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    fault: (f) => void faults.push({ times: 1, ...f }),
    peakInFlight: () => peak,
    reset: () => {
      peak = inFlight;
      faults.length = 0;
      requests.length = 0;
      seen = 0;
    },
    connections: () => new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes SSE events one by one, honouring `dropAfterEvents` and `stallAfterEvents` faults and an optional pace.
 *
 * @example
 * ```ts
 * await writeSse(res, ['data: {"a":1}\n\n', 'data: [DONE]\n\n'], fault);
 * ```
 */
export async function writeSse(res: http.ServerResponse, frames: string[], fault?: Fault, paceMs = 0): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const sent = fault?.replaceEvents ? [...frames.slice(0, 1), ...fault.replaceEvents] : frames;
  for (const [i, frame] of sent.entries()) {
    if (fault?.dropAfterEvents !== undefined && i >= fault.dropAfterEvents) {
      res.socket?.destroy();
      return;
    }
    if (fault?.endAfterEvents !== undefined && i >= fault.endAfterEvents) break;
    if (fault?.stallAfterEvents !== undefined && i >= fault.stallAfterEvents) {
      await new Promise<void>((resolve) => res.once('close', () => resolve()));
      return;
    }
    // wait for the frame to reach the socket, so a later drop cuts the stream, not the buffer
    await new Promise<void>((resolve) => res.write(frame, () => resolve()));
    if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
  }
  res.end();
}

/**
 * Sends a JSON answer.
 *
 * @example
 * ```ts
 * sendJson(res, 200, { ok: true });
 * ```
 */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
