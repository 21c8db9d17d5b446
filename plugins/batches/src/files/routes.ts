/**
 * The Files API: upload, list, retrieve, content, delete. Files belong to the key (user,
 * team) that uploaded them; another owner gets the same 404 as for a file that never was.
 */
import { GatewayError, ownerOf, ownerScope, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import { deploymentById, nativeSend } from '../native/upstream.js';
import type { BatchesDeps } from '../deps.js';
import { invalid, notFound } from '../errors.js';
import { newId, nowSec } from '../ids.js';
import type { StoredFile } from '../repo.js';
import { UPLOAD_PURPOSES, type FileObject, type FilePurpose } from '../types.js';
import { readUpload } from './multipart.js';

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The caller's file `id` (not expired), or a 404.
 *
 * @example
 * ```ts
 * const { file, blobId } = await mustFile(deps, req, req.params.file_id, 'file_id');
 * ```
 */
export async function mustFile(deps: BatchesDeps, req: RouteRequest, id: string | undefined, param: string): Promise<StoredFile> {
  const f = id ? await deps.repo.file(id, ownerScope(req.principal)) : undefined;
  if (!f || (f.file.expires_at !== null && f.file.expires_at <= nowSec())) throw notFound('file', id ?? 'undefined', param);
  return f;
}

function expiresAt(fields: Record<string, string>, createdAt: number): number | null {
  const anchor = fields['expires_after[anchor]'];
  const seconds = fields['expires_after[seconds]'];
  if (anchor === undefined && seconds === undefined) return null;
  if (anchor !== 'created_at') throw invalid(`Invalid 'expires_after.anchor': '${anchor ?? ''}'. Expected 'created_at'.`, 'expires_after.anchor');
  const s = Number(seconds);
  if (!Number.isInteger(s) || s < 3600 || s > 2_592_000) throw invalid(`Invalid 'expires_after.seconds': '${seconds ?? ''}'. Expected an integer from 3600 to 2592000.`, 'expires_after.seconds');
  return createdAt + s;
}

const KNOWN_FIELDS = new Set(['purpose', 'expires_after[anchor]', 'expires_after[seconds]']);

/**
 * Checks an upload's fields and content for its purpose, or throws the 400 naming what is wrong.
 */
function checkUpload(fields: Record<string, string>, bytes: number, jsonl: { lines: number; bad?: { line: number; reason: string } }): FilePurpose {
  for (const k of Object.keys(fields)) if (!KNOWN_FIELDS.has(k)) throw invalid(`Unrecognized request argument supplied: ${k}`, k, 'unknown_parameter');
  const purpose = fields.purpose;
  if (purpose === undefined || purpose === '') throw invalid("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
  if (!(UPLOAD_PURPOSES as readonly string[]).includes(purpose)) {
    throw invalid(`Invalid value for 'purpose': '${purpose}'. Supported values are: ${UPLOAD_PURPOSES.map((p) => `'${p}'`).join(', ')}.`, 'purpose');
  }
  if (bytes === 0) throw invalid('The file is empty.', 'file', 'empty_file');
  if (purpose === 'batch') {
    if (jsonl.bad) throw invalid(`The file is not valid JSONL: line ${jsonl.bad.line} is ${jsonl.bad.reason}. Each line of a batch file must be one JSON object.`, 'file', 'invalid_file_format');
    if (jsonl.lines === 0) throw invalid('The batch file has no requests.', 'file', 'empty_file');
  }
  return purpose as FilePurpose;
}

/**
 * The Files routes.
 *
 * @example
 * ```ts
 * for (const route of fileRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function fileRoutes(deps: BatchesDeps): RouteDefinition[] {
  const { repo } = deps;
  return [
    {
      method: 'POST',
      path: '/v1/files',
      body: 'raw',
      async handler(req) {
        const up = await readUpload(req.raw, deps.store.blobs, deps.maxFileBytes, req.signal);
        try {
          const purpose = checkUpload(up.fields, up.blob.size, up.jsonl);
          const createdAt = nowSec();
          const file: FileObject = {
            id: newId('file'),
            object: 'file',
            bytes: up.blob.size,
            created_at: createdAt,
            expires_at: expiresAt(up.fields, createdAt),
            filename: up.filename,
            purpose,
            status: 'processed',
            status_details: null,
          };
          await repo.insertFile({ file, owner: ownerOf(req.principal), blobId: up.blob.id });
          return { body: file };
        } catch (err) {
          // nothing half-written: the bytes go with the refused upload
          await deps.store.blobs.delete(up.blob.id).catch(() => undefined);
          throw err;
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/files',
      async handler(req) {
        const purpose = one(req.query.purpose);
        const order = one(req.query.order) ?? 'desc';
        if (order !== 'asc' && order !== 'desc') throw invalid(`Invalid 'order': '${order}'. Expected 'asc' or 'desc'.`, 'order');
        const rawLimit = one(req.query.limit);
        const limit = rawLimit === undefined ? 10_000 : Number(rawLimit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw invalid(`Invalid 'limit': '${rawLimit}'. Expected an integer from 1 to 10000.`, 'limit');
        const page = await repo.listFiles(ownerScope(req.principal), { purpose: purpose || undefined, limit, asc: order === 'asc', after: one(req.query.after) || undefined });
        const now = nowSec();
        const data = page.data.filter((f) => f.expires_at === null || f.expires_at > now);
        return { body: { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.hasMore } };
      },
    },
    {
      method: 'GET',
      path: '/v1/files/:file_id',
      async handler(req) {
        return { body: (await mustFile(deps, req, req.params.file_id, 'file_id')).file };
      },
    },
    {
      method: 'GET',
      path: '/v1/files/:file_id/content',
      async handler(req) {
        const f = await mustFile(deps, req, req.params.file_id, 'file_id');
        const { stream, length } = await deps.store.blobs.get(f.blobId);
        const jsonl = f.file.purpose === 'batch' || f.file.purpose === 'batch_output' || f.file.filename.endsWith('.jsonl');
        return {
          headers: {
            'content-type': jsonl ? 'application/jsonl' : 'application/octet-stream',
            'content-length': String(length),
            'content-disposition': `attachment; filename="${f.file.filename.replace(/["\\\r\n]/g, '_')}"`,
          },
          body: stream,
        };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/files/:file_id',
      async handler(req) {
        const f = await mustFile(deps, req, req.params.file_id, 'file_id');
        // a batch still reading the file keeps it: the delete waits for the batch to end
        const readers = await repo.activeBatchesOf(f.file.id);
        if (readers.length > 0) {
          throw new GatewayError('GW_ERR_INVALID_REQUEST', `The file ${f.file.id} is the input of ${readers.length === 1 ? 'a batch' : 'batches'} still running (${readers.join(', ')}); delete it once ${readers.length === 1 ? 'it ends' : 'they end'} or cancel ${readers.length === 1 ? 'it' : 'them'} first.`, {
            status: 409,
            param: 'file_id',
            publicCode: 'file_in_use',
          });
        }
        // the row first: a failure after it leaves an orphan blob, never a row without bytes
        await repo.deleteFile(f.file.id);
        // copies uploaded to deployments for native batches go too (best effort: the gateway's file is gone either way)
        for (const u of await repo.upstreamFiles(f.file.id)) {
          const d = deploymentById(deps.api, u.deployment);
          if (d) await nativeSend(deps.api, d, { method: 'DELETE', path: `/files/${encodeURIComponent(u.upstreamId)}` }, req.signal).then((r) => r.body.dump(), () => undefined);
        }
        await repo.dropUpstreamFiles(f.file.id);
        await deps.store.blobs.delete(f.blobId).catch(() => undefined);
        return { body: { id: f.file.id, object: 'file', deleted: true } };
      },
    },
  ];
}
