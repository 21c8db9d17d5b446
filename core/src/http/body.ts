/**
 * Reading JSON request bodies with a size limit (raw-body) and a nesting limit, failing in
 * the OpenAI shape. Only JSON content types are parsed as JSON: a `text/plain` or form body
 * is what a web page can send cross-site without a preflight, so it is refused (415).
 */
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { GatewayError } from '../errors.js';
import { rememberJsonSource } from '../runner/json-text.js';

/** Limits applied to every JSON body. */
export interface BodyLimits {
  /** Most bytes. */
  bytes: number;
  /** Deepest nesting of objects and arrays. */
  depth: number;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Whether `text` (valid JSON) nests objects and arrays deeper than `max`. Strings are skipped
 * with `indexOf`, so the scan costs little beside `JSON.parse`.
 *
 * @example
 * ```ts
 * nestedDeeperThan('[[[1]]]', 2); // true
 * ```
 */
export function nestedDeeperThan(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false; // each level needs two brackets
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i === -1) return false;
        let slashes = 0;
        while (text.charCodeAt(i - 1 - slashes) === 92 /* \ */) slashes++;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return false;
}

function unsupportedType(type: string | undefined): GatewayError {
  const what = type ? type.split(';')[0]!.trim() : 'a body without a content-type';
  return new GatewayError(
    'GW_ERR_UNSUPPORTED_MEDIA_TYPE',
    `This endpoint expects a JSON body with content-type: application/json, not ${what}.`,
    { publicCode: 'unsupported_media_type' },
  );
}

/**
 * Reads and parses a JSON body. Oversized → 413, not JSON content type → 415, malformed or
 * too deeply nested → 400; empty → 400, or `undefined` when `optional`.
 *
 * @example
 * ```ts
 * const body = await readJsonBody(req, { bytes: 20 * 1024 * 1024, depth: 64 });
 * ```
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits, optional = false): Promise<unknown> {
  const type = req.headers['content-type'];
  const length = req.headers['content-length'];
  // a body-less POST (content-length 0, no type) reaches the "empty body" answer below
  if (!(type && JSON_TYPE.test(type)) && !(type === undefined && length === '0')) throw unsupportedType(type);
  let text: string;
  try {
    text = await getRawBody(req, { limit: limits.bytes, length, encoding: 'utf8' });
  } catch (err) {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      throw new GatewayError('GW_ERR_BODY_TOO_LARGE', `The request body is larger than the gateway's limit of ${limits.bytes} bytes.`, {
        publicCode: 'request_too_large',
      });
    }
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Could not read the request body: ${e.message ?? 'aborted'}.`, {
      status: e.status && e.status < 500 ? e.status : 400,
    });
  }
  if (text.length === 0) {
    if (optional) return undefined;
    throw new GatewayError('GW_ERR_INVALID_JSON', 'The request body is empty; this endpoint expects a JSON object.', {
      publicCode: 'invalid_json',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GatewayError(
      'GW_ERR_INVALID_JSON',
      `We could not parse the JSON body of your request (${(err as Error).message}). The gateway expects a JSON payload.`,
      { publicCode: 'invalid_json' },
    );
  }
  if (nestedDeeperThan(text, limits.depth)) {
    throw new GatewayError('GW_ERR_INVALID_JSON', `The JSON body nests objects and arrays deeper than ${limits.depth} levels.`, {
      publicCode: 'json_too_deep',
    });
  }
  rememberJsonSource(value, text);
  return value;
}
