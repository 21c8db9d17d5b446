/**
 * Writing route responses and errors straight to the Node response: one writer for both
 * HTTP lanes (the direct lane and Koa), so a route answers byte for byte the same whichever
 * lane served it.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Diagnostics } from '../diagnostics.js';
import { GatewayError, publicErrorBody, toGatewayError } from '../errors.js';
import { encodeJson } from '../runner/json-text.js';
import type { RouteResponse } from './routes-api.js';
import { TextStream, writeTextStream } from './text-stream.js';

const JSON_TYPE = 'application/json; charset=utf-8';

function end(res: ServerResponse, head: boolean, type: string, body: string | Uint8Array): void {
  if (!res.hasHeader('content-type')) res.setHeader('content-type', type);
  res.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  if (head) res.end();
  else res.end(body);
}

const UNSENDABLE = /[^\t\x20-\x7e]/;

/**
 * Sets a header whatever its value holds: a value Node cannot send (outside printable
 * ASCII: a session id in Japanese, a newline) is percent-encoded rather than throwing after
 * the work was done; a name that is not a token is dropped and reported.
 */
function setHeaderSafely(res: ServerResponse, name: string, value: string): void {
  try {
    res.setHeader(name, UNSENDABLE.test(value) ? encodeURIComponent(value) : value);
  } catch {
    /* an invalid header name from a plugin: the response goes out without it */
  }
}

/**
 * Sends a route's response: JSON for plain values, text for strings, bytes for buffers,
 * and streams piped (destroyed when the client goes, which ends upstream work).
 *
 * @example
 * ```ts
 * writeRouteResponse(res, { status: 200, body: { object: 'list', data: [] } }, 'GET');
 * ```
 */
export function writeRouteResponse(res: ServerResponse, r: RouteResponse, method: string): void {
  const headers = r.headers;
  if (headers) for (const name in headers) setHeaderSafely(res, name, String(headers[name]));
  const body = r.body;
  const status = r.status ?? (body === undefined ? 204 : 200);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    // a 1xx would leave the client waiting, a status under 100 throws inside Node
    if (body instanceof Readable) body.destroy();
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The route answered with an invalid HTTP status (${String(status)}).`, {
      publicCode: 'upstream_invalid_response',
      expose: true,
    });
  }
  res.statusCode = status;
  const head = method === 'HEAD';
  if (body === undefined || body === null || status === 204 || status === 304) {
    res.removeHeader('content-type');
    res.end();
  } else if (body instanceof TextStream) {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    void writeTextStream(res, body.frames, head, body.encoder);
  } else if (body instanceof Readable) {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/octet-stream');
    if (head) {
      body.destroy();
      res.end();
    } else {
      // pipe, not pipeline(): pipeline() puts ~7 listeners on the response (11 with ours, past
      // Node's leak warning) where two do the job: a body error ends the response, a closed
      // response (client gone) destroys the body, which stops the upstream work
      body.once('error', () => res.destroy());
      res.once('close', () => {
        if (!body.destroyed) body.destroy();
      });
      body.pipe(res);
    }
  } else if (typeof body === 'string') {
    end(res, head, body.charCodeAt(0) === 60 /* < */ ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8', body);
  } else if (body instanceof Uint8Array) {
    end(res, head, 'application/octet-stream', body);
  } else {
    end(res, head, JSON_TYPE, encodeJson(body)); // an upstream answer no hook changed: its own bytes
  }
}

/**
 * Sends an error in the OpenAI shape (internal details hidden), reporting unexpected ones
 * to diagnostics. Once a response has started it can only be ended: a stream carries its
 * own error frame.
 *
 * @example
 * ```ts
 * writeError(res, err, 'req_1', diagnostics, 'POST /v1/chat/completions', 'POST');
 * ```
 */
export function writeError(res: ServerResponse, err: unknown, requestId: string, diagnostics: Diagnostics, label: string, method: string): void {
  const e = toGatewayError(err);
  // unexpected: with the stack; expected (an upstream 5xx, an unreachable upstream): one line
  if (!e.expose) diagnostics.error(`${label} failed (${requestId})`, err);
  else if (e.status >= 500) diagnostics.warn(`${label} failed (${requestId}): ${e.status} ${e.publicCode ?? e.code}: ${e.message}`);
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  for (const name of res.getHeaderNames()) if (name !== 'x-request-id') res.removeHeader(name);
  for (const name in e.headers) setHeaderSafely(res, name, String(e.headers[name]));
  res.statusCode = e.status;
  end(res, method === 'HEAD', JSON_TYPE, JSON.stringify(publicErrorBody(e, requestId)));
}
