/**
 * Reading JSON request bodies with a size limit (raw-body), failing in the OpenAI shape.
 */
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { GatewayError } from '../errors.js';

/**
 * Reads and parses a JSON body. Oversized → 413, malformed → 400, multipart → 415.
 *
 * @example
 * ```ts
 * const body = await readJsonBody(req, 20 * 1024 * 1024);
 * ```
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type && /^multipart\//i.test(type)) {
    throw new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', `This endpoint expects a JSON body, not ${type.split(';')[0]}.`, {
      publicCode: 'unsupported_media_type',
    });
  }
  let text: string;
  try {
    text = await getRawBody(req, { limit, length: req.headers['content-length'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      throw new GatewayError('GW_ERR_BODY_TOO_LARGE', `The request body is larger than the gateway's limit of ${limit} bytes.`, {
        publicCode: 'request_too_large',
      });
    }
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Could not read the request body: ${e.message ?? 'aborted'}.`, {
      status: e.status && e.status < 500 ? e.status : 400,
    });
  }
  if (text.length === 0) {
    throw new GatewayError('GW_ERR_INVALID_JSON', 'The request body is empty; this endpoint expects a JSON object.', {
      publicCode: 'invalid_json',
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GatewayError(
      'GW_ERR_INVALID_JSON',
      `We could not parse the JSON body of your request (${(err as Error).message}). The gateway expects a JSON payload.`,
      { publicCode: 'invalid_json' },
    );
  }
}
