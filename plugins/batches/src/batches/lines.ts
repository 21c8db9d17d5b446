/**
 * Reading a batch input file line by line from the blob store (never whole), and checking
 * each request line as OpenAI checks it at validation time.
 */
import { createInterface } from 'node:readline';
import type { BlobStore } from '@switchyard/store';
import type { BatchError } from '../types.js';

/** One request line of an input file. */
export interface InputLine {
  /** 1-based line number in the file. */
  no: number;
  custom_id: string;
  body: Record<string, unknown>;
}

/**
 * The non-empty lines of a blob with their 1-based numbers.
 *
 * @example
 * ```ts
 * for await (const { no, text } of blobLines(store.blobs, blobId)) console.log(no, text);
 * ```
 */
export async function* blobLines(blobs: BlobStore, blobId: string): AsyncGenerator<{ no: number; text: string }> {
  const { stream } = await blobs.get(blobId);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let no = 0;
  try {
    for await (const text of rl) {
      no += 1;
      if (text.trim() !== '') yield { no, text };
    }
  } finally {
    rl.close();
    stream.destroy();
  }
}

/**
 * Parses and checks one line: valid JSON, `custom_id` a non-empty string not seen before,
 * `method` POST, `url` the batch's endpoint, `body.model` a model the gateway serves.
 *
 * @example
 * ```ts
 * const r = checkLine(3, text, { endpoint: '/v1/chat/completions', seen, knownModel: (m) => true });
 * if ('error' in r) errors.push(r.error);
 * ```
 */
export function checkLine(
  no: number,
  text: string,
  ctx: { endpoint: string; seen: Set<string>; knownModel(model: string): boolean },
): { line: InputLine } | { error: BatchError } {
  const bad = (code: string, message: string, param: string | null = null) => ({ error: { code, message: `Line ${no}: ${message}`, param, line: no } });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return bad('invalid_json_line', 'the line is not valid JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('invalid_json_line', 'the line is not a JSON object.');
  const o = v as Record<string, unknown>;
  if (typeof o.custom_id !== 'string' || o.custom_id === '') return bad('missing_required_parameter', "'custom_id' is missing or not a string.", 'custom_id');
  if (ctx.seen.has(o.custom_id)) return bad('duplicate_custom_id', `the custom_id '${o.custom_id}' is used by an earlier line; each must be unique.`, 'custom_id');
  ctx.seen.add(o.custom_id);
  if (o.method !== 'POST') return bad('invalid_method', `'method' must be 'POST', got ${JSON.stringify(o.method ?? null)}.`, 'method');
  if (o.url !== ctx.endpoint) return bad('mismatched_endpoint', `'url' ${JSON.stringify(o.url ?? null)} does not match the batch endpoint '${ctx.endpoint}'.`, 'url');
  if (typeof o.body !== 'object' || o.body === null || Array.isArray(o.body)) return bad('invalid_request', "'body' must be a JSON object.", 'body');
  const body = o.body as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '') return bad('missing_required_parameter', "'body.model' is missing.", 'body.model');
  if (!ctx.knownModel(body.model)) return bad('model_not_found', `the model '${body.model}' does not exist or is not served by this gateway.`, 'body.model');
  if (body.stream === true) return bad('invalid_request', "'body.stream' is not supported in a batch.", 'body.stream');
  return { line: { no, custom_id: o.custom_id, body } };
}
