/**
 * The Node HTTP server the gateway listens with, hardened against slow and abusive clients:
 * header, body and keep-alive timeouts checked every second, a header size limit, a cap on
 * open connections below the process's file-descriptor limit (at the cap the oldest connection
 * with no request in flight is closed to make room), and Node's own protocol errors (bad request line, header
 * overflow, request timeout) answered in the OpenAI error shape instead of an empty body.
 */
import { readFileSync } from 'node:fs';
import http, { STATUS_CODES, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import type { Diagnostics } from '../diagnostics.js';

/** Server limits (all optional in the config; defaults below). */
export interface ServerLimits {
  /** Time for a client to send the request headers (default 10 s). */
  headersTimeoutMs: number;
  /** Time for a client to send the whole request, body included (default 120 s). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept (default 65 s, above common load-balancer idle timeouts). */
  keepAliveTimeoutMs: number;
  /** Largest request head in bytes (default 16 KiB, Node's). */
  maxHeaderSize: number;
  /** Most open client connections (default: the file-descriptor limit less 256 for upstreams and files). */
  maxConnections: number;
}

/** The open-files limit of this process (Linux), or undefined where it cannot be read. */
function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The default server limits for this machine.
 *
 * @example
 * ```ts
 * const limits = { ...defaultServerLimits(), headersTimeoutMs: 5_000 };
 * ```
 */
export function defaultServerLimits(): ServerLimits {
  const files = openFilesLimit();
  return {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 120_000,
    keepAliveTimeoutMs: 65_000,
    maxHeaderSize: 16 * 1024,
    maxConnections: files === undefined ? 10_000 : Math.max(64, Math.min(files - 256, 100_000)),
  };
}

function rawError(status: number, code: string, message: string, close = true): string {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    (close ? 'connection: close\r\n' : '') +
    `\r\n${body}`
  );
}

/** What Node's parser or timers reported, as the answer a client gets. */
function clientErrorAnswer(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return rawError(431, 'request_header_fields_too_large', 'The request headers are larger than the gateway accepts.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return rawError(408, 'request_timeout', 'The request was not received in time.');
    case 'HPE_INVALID_METHOD':
      return rawError(501, 'not_implemented', 'This HTTP method is not supported.');
    default:
      return rawError(400, 'bad_request', 'The request is not valid HTTP/1.1.');
  }
}

/**
 * A hardened HTTP server for `listener`.
 *
 * @example
 * ```ts
 * const server = createHttpServer(listener, defaultServerLimits(), diagnostics);
 * server.listen(4000);
 * ```
 */
export function createHttpServer(listener: RequestListener, limits: ServerLimits, diagnostics: Diagnostics): http.Server {
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // how often Node checks the two timeouts above (default 30 s lets a slow client overstay)
      connectionsCheckingInterval: 1_000,
    },
    listener,
  );
  // sockets with no request in flight, oldest first: the ones to close when the cap is reached
  // (a flood of connections that never send a request, or idle keep-alives, must not lock out
  // a client that does)
  const idle = new Set<Socket>();
  let open = 0;
  let warned = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    idle.add(socket);
    socket.once('close', () => {
      open--;
      idle.delete(socket);
    });
    if (open <= limits.maxConnections) return;
    const oldest = idle.values().next().value;
    if (oldest && oldest !== socket) {
      idle.delete(oldest);
      oldest.destroy();
      return;
    }
    if (Date.now() - warned > 10_000) {
      warned = Date.now();
      diagnostics.warn(`refusing connections: ${open - 1} open with requests in flight, the limit is ${limits.maxConnections} (server.maxConnections)`);
    }
    idle.delete(socket);
    socket.end(rawError(503, 'server_overloaded', 'The gateway has too many open connections; retry shortly.'));
    socket.destroySoon();
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    idle.delete(socket);
    res.once('close', () => {
      if (!socket.destroyed) idle.add(socket);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const inFlight = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorAnswer(err));
  });
  return server;
}
