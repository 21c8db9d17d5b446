/**
 * `POST /v1/files` bodies: multipart parsed with busboy, the file part streamed straight into
 * the blob store (never held whole), the fields in any order (the SDK sends `file` first).
 * Whatever fails, the blob written so far is deleted.
 */
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '@switchyard/core';
import type { BlobInfo, BlobStore } from '@switchyard/store';
import { invalid } from '../errors.js';
import { jsonlCheck, type JsonlReport } from './jsonl-check.js';

/** A parsed upload: its text fields, and the file stored as a blob. */
export interface Upload {
  fields: Record<string, string>;
  blob: BlobInfo;
  filename: string;
  jsonl: JsonlReport;
}

/**
 * Reads a multipart upload into `blobs`. Throws the OpenAI-shaped 4xx for a body that is not
 * multipart, malformed, without a `file` part, empty, or larger than `maxBytes` (413).
 *
 * @example
 * ```ts
 * const up = await readUpload(req.raw, store.blobs, 512 << 20, req.signal);
 * ```
 */
export async function readUpload(raw: IncomingMessage, blobs: BlobStore, maxBytes: number, signal: AbortSignal): Promise<Upload> {
  const type = String(raw.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(type)) {
    throw new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', `Expected a multipart/form-data body with 'file' and 'purpose', got '${type || 'no content type'}'.`, {
      param: 'file',
      publicCode: 'invalid_value',
    });
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: raw.headers, limits: { files: 1, fields: 16, fieldSize: 64 * 1024, parts: 20 } });
  } catch (err) {
    throw invalid(`Malformed multipart body: ${(err as Error).message}.`, 'file');
  }
  const fields: Record<string, string> = {};
  let put: Promise<BlobInfo> | undefined;
  let filename = '';
  let report: JsonlReport = { lines: 0 };
  let failure: unknown;
  let done = () => {};
  const fail = (err: unknown) => {
    failure ??= err;
    // read the rest of the body and drop it, so the client sees our answer, not a reset
    raw.unpipe(bb);
    raw.resume();
    done();
  };

  const parsed = new Promise<void>((resolve) => {
    done = resolve;
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      if (name !== 'file' || put) {
        stream.resume();
        if (name !== 'file') fail(invalid(`Unexpected file field '${name}': upload the file as 'file'.`, name, 'unknown_parameter'));
        return;
      }
      filename = info.filename ?? 'file';
      const check = jsonlCheck();
      report = check.report;
      // pipe() forwards no errors: a broken part must fail the blob write (which deletes it)
      // (the form's own error also fails the upload, so a write that already ended is deleted)
      check.stream.on('error', () => undefined);
      stream.on('error', (err: Error) => check.stream.destroy(invalid(`Malformed multipart body: ${err.message}.`, 'file')));
      put = blobs.put(stream.pipe(check.stream), { maxBytes, signal });
      put.catch((err: unknown) => {
        stream.resume();
        fail(err);
      });
    });
    bb.on('filesLimit', () => fail(invalid('Only one file may be uploaded per request.', 'file')));
    bb.on('error', (err: Error) => {
      fail(invalid(`Malformed multipart body: ${err.message}.`, 'file'));
      resolve();
    });
    bb.on('close', () => resolve());
    raw.on('aborted', () => {
      fail(new GatewayError('GW_ERR_INVALID_REQUEST', 'The upload was aborted by the client.', { param: 'file' }));
      resolve();
    });
  });
  raw.pipe(bb);
  await parsed;
  const blob = put ? await put.catch((err: unknown) => void fail(err)) : undefined;
  if (failure !== undefined || !blob) {
    if (blob) await blobs.delete(blob.id).catch(() => undefined);
    if (failure instanceof GatewayError && failure.code === 'GW_ERR_BODY_TOO_LARGE') {
      throw new GatewayError('GW_ERR_BODY_TOO_LARGE', `The file is larger than the ${maxBytes} bytes this gateway accepts.`, { param: 'file', publicCode: 'file_too_large' });
    }
    throw failure ?? invalid("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  }
  return { fields, blob, filename, jsonl: report };
}
