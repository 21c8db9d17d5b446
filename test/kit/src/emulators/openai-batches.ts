/**
 * The OpenAI emulator's Files and Batches APIs (shared with the Azure emulator): multipart
 * upload (busboy), list, retrieve, content, delete; batches create, retrieve, list, cancel.
 * A batch moves on as it is polled: `validating` on create, `in_progress` from the first
 * retrieve (counts moving), and after `polls` retrieves it runs every line through the
 * emulator's own chat answer and ends `completed` (output and error files written), or
 * `failed` when the file mixes models (one model per batch, as OpenAI requires). While
 * `held` is set a batch stays in progress (for cancel tests); a cancelled batch ends
 * `cancelled` on the next retrieve.
 */
import busboy from 'busboy';
import type { ChatRequest } from '@switchyard/core';
import { sendJson, type EmulatorExchange } from './server.js';

/** An emulated file. */
interface EmuFile {
  object: { id: string; object: 'file'; bytes: number; created_at: number; expires_at: number | null; filename: string; purpose: string; status: 'processed'; status_details: null };
  data: Buffer;
}

/** An emulated batch and how often it was retrieved. */
interface EmuBatch {
  object: Record<string, unknown> & { id: string; status: string; input_file_id: string; request_counts: { total: number; completed: number; failed: number } };
  polls: number;
}

/** How the emulated model answers a chat line: status and body. */
export type EmulatedChat = (body: ChatRequest) => { status: number; body: unknown };

/** What a test controls and reads of the emulated Files and Batches. */
export interface EmulatedBatches {
  /** Retrieves before a batch completes (default 2). */
  polls: number;
  /** While true, batches stay `in_progress` however often they are polled. */
  held: boolean;
  /** Batches by id. */
  readonly batches: Map<string, EmuBatch>;
  /** Files by id. */
  readonly files: Map<string, EmuFile>;
  /** Chat lines run by batches so far (each counted once). */
  linesRun: number;
}

let counter = 0;
const id = (prefix: string) => `${prefix}emu${(++counter).toString().padStart(6, '0')}`;
const now = () => Math.floor(Date.now() / 1000);
/** The chat URL a line and a batch name: OpenAI's `/v1/chat/completions`, Azure's `/chat/completions`. */
export interface BatchesDialect {
  chatUrl: string;
  knownModel(model: string): boolean;
}

function invalid(res: EmulatorExchange['res'], status: number, message: string, param: string | null, code: string | null = null): true {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param, code } });
  return true;
}

/**
 * The state of the emulated Files and Batches.
 *
 * @example
 * ```ts
 * const state = batchesState();
 * state.held = true; // keep batches in progress
 * ```
 */
export function batchesState(polls = 2): EmulatedBatches {
  return { polls, held: false, batches: new Map(), files: new Map(), linesRun: 0 };
}

function parseUpload(x: EmulatorExchange): Promise<{ fields: Record<string, string>; file?: { name: string; data: Buffer } }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: { name: string; data: Buffer } | undefined;
    const bb = busboy({ headers: x.req.headers });
    bb.on('field', (k, v) => (fields[k] = v));
    bb.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        if (name === 'file') file = { name: info.filename ?? 'file', data: Buffer.concat(parts) };
      });
    });
    bb.on('close', () => resolve({ fields, file }));
    bb.on('error', reject);
    bb.end(x.raw);
  });
}

function runBatch(state: EmulatedBatches, b: EmuBatch, chat: EmulatedChat, dialect: BatchesDialect): void {
  const input = state.files.get(b.object.input_file_id);
  const lines = (input?.data.toString('utf8') ?? '').split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((l) => JSON.parse(l) as { custom_id: string; url: string; body: ChatRequest });
  const models = new Set(parsed.map((l) => l.body?.model));
  const t = now();
  if (models.size > 1) {
    const first = parsed[0]!.body.model;
    const data = parsed.flatMap((l, i) =>
      l.body.model === first ? [] : [{ code: 'model_mismatch', message: `The model '${l.body.model}' differs from the batch's model '${first}'.`, param: 'body.model', line: i + 1 }],
    );
    Object.assign(b.object, { status: 'failed', failed_at: t, errors: { object: 'list', data } });
    return;
  }
  const out: string[] = [];
  const err: string[] = [];
  for (const l of parsed) {
    const rid = `req_emu${++counter}`;
    let r: { status: number; body: unknown };
    if (l.url !== dialect.chatUrl) r = { status: 400, body: { error: { message: `Unsupported url ${l.url}; expected ${dialect.chatUrl}.`, type: 'invalid_request_error', param: 'url', code: null } } };
    else if (!dialect.knownModel(l.body.model)) r = { status: 404, body: { error: { message: `The model \`${l.body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } } };
    else {
      state.linesRun += 1;
      r = chat(l.body);
    }
    const line = JSON.stringify({ id: id('batch_req_'), custom_id: l.custom_id, response: { status_code: r.status, request_id: rid, body: r.body }, error: null });
    (r.status === 200 ? out : err).push(line);
  }
  const file = (rows: string[], kind: string) => {
    if (rows.length === 0) return null;
    const f: EmuFile = {
      object: { id: id('file-'), object: 'file', bytes: 0, created_at: t, expires_at: null, filename: `${b.object.id}_${kind}.jsonl`, purpose: 'batch_output', status: 'processed', status_details: null },
      data: Buffer.from(rows.join('\n') + '\n'),
    };
    f.object.bytes = f.data.length;
    state.files.set(f.object.id, f);
    return f.object.id;
  };
  Object.assign(b.object, {
    status: 'completed',
    finalizing_at: t,
    completed_at: t,
    output_file_id: file(out, 'output'),
    error_file_id: file(err, 'error'),
    request_counts: { total: parsed.length, completed: out.length, failed: err.length },
  });
}

function advance(state: EmulatedBatches, b: EmuBatch, chat: EmulatedChat, dialect: BatchesDialect): void {
  const o = b.object;
  if (o.status === 'cancelling') {
    Object.assign(o, { status: 'cancelled', cancelled_at: now() });
    return;
  }
  if (o.status !== 'validating' && o.status !== 'in_progress') return;
  b.polls += 1;
  const total = (state.files.get(o.input_file_id)?.data.toString('utf8') ?? '').split('\n').filter((l) => l.trim() !== '').length;
  if (state.held || b.polls < state.polls) {
    const completed = state.held ? 0 : Math.floor((total * b.polls) / state.polls);
    Object.assign(o, { status: 'in_progress', in_progress_at: o.in_progress_at ?? now(), request_counts: { total, completed, failed: 0 } });
    return;
  }
  o.in_progress_at ??= now();
  runBatch(state, b, chat, dialect);
}

/**
 * Serves `/files…` and `/batches…` (the path below the API root, e.g. `/files/file-1/content`).
 * Returns false for other paths.
 *
 * @example
 * ```ts
 * if (path.startsWith('/v1/files') || path.startsWith('/v1/batches')) return batchesRoute(state, x, path.slice(3), chat, { chatUrl: '/v1/chat/completions', knownModel: () => true });
 * ```
 */
export async function batchesRoute(state: EmulatedBatches, x: EmulatorExchange, path: string, chat: EmulatedChat, dialect: BatchesDialect): Promise<boolean> {
  const { req, res } = x;
  const query = new URL(req.path, 'http://x').searchParams;
  if (req.method === 'POST' && path === '/files') {
    if (!String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) return invalid(res, 400, 'Expected multipart/form-data.', 'file');
    const up = await parseUpload(x).catch(() => undefined);
    if (!up) return invalid(res, 400, 'Malformed multipart body.', 'file');
    if (!up.fields.purpose) return invalid(res, 400, "Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
    if (!up.file) return invalid(res, 400, "Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
    if (up.fields.purpose === 'batch') {
      for (const l of up.file.data.toString('utf8').split('\n')) {
        if (l.trim() === '') continue;
        try {
          JSON.parse(l);
        } catch {
          return invalid(res, 400, 'The file is not valid JSONL.', 'file', 'invalid_file_format');
        }
      }
    }
    const f: EmuFile = {
      object: { id: id('file-'), object: 'file', bytes: up.file.data.length, created_at: now(), expires_at: null, filename: up.file.name, purpose: up.fields.purpose, status: 'processed', status_details: null },
      data: up.file.data,
    };
    state.files.set(f.object.id, f);
    sendJson(res, 200, f.object);
    return true;
  }
  if (req.method === 'GET' && path === '/files') {
    const data = [...state.files.values()].map((f) => f.object).filter((f) => !query.get('purpose') || f.purpose === query.get('purpose'));
    sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
    return true;
  }
  const fm = /^\/files\/([^/]+)(\/content)?$/.exec(path);
  if (fm) {
    const f = state.files.get(decodeURIComponent(fm[1]!));
    if (!f) return invalid(res, 404, `No such File object: ${fm[1]}`, 'file_id', null);
    if (req.method === 'GET' && fm[2]) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(f.data.length) });
      res.end(f.data);
      return true;
    }
    if (req.method === 'GET') return sendJson(res, 200, f.object), true;
    if (req.method === 'DELETE') {
      state.files.delete(f.object.id);
      return sendJson(res, 200, { id: f.object.id, object: 'file', deleted: true }), true;
    }
    return false;
  }
  if (req.method === 'POST' && path === '/batches') {
    const body = req.body as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: Record<string, string> } | undefined;
    if (!body?.input_file_id) return invalid(res, 400, "Missing required parameter: 'input_file_id'.", 'input_file_id', 'missing_required_parameter');
    const input = state.files.get(body.input_file_id);
    if (!input) return invalid(res, 400, `Invalid 'input_file_id': '${body.input_file_id}'. File not found.`, 'input_file_id', 'invalid_value');
    if (input.object.purpose !== 'batch') return invalid(res, 400, 'The input file must have purpose batch.', 'input_file_id', 'invalid_value');
    if (body.endpoint !== dialect.chatUrl) return invalid(res, 400, `Invalid 'endpoint': '${body.endpoint}'.`, 'endpoint', 'invalid_value');
    if (body.completion_window !== '24h') return invalid(res, 400, `Invalid 'completion_window': '${body.completion_window}'.`, 'completion_window', 'invalid_value');
    const t = now();
    const b: EmuBatch = {
      polls: 0,
      object: {
        id: id('batch_'),
        object: 'batch',
        endpoint: body.endpoint,
        errors: null,
        input_file_id: body.input_file_id,
        completion_window: '24h',
        status: 'validating',
        output_file_id: null,
        error_file_id: null,
        created_at: t,
        in_progress_at: null,
        expires_at: t + 86_400,
        finalizing_at: null,
        completed_at: null,
        failed_at: null,
        expired_at: null,
        cancelling_at: null,
        cancelled_at: null,
        request_counts: { total: 0, completed: 0, failed: 0 },
        metadata: body.metadata ?? null,
      },
    };
    state.batches.set(b.object.id, b);
    sendJson(res, 200, b.object);
    return true;
  }
  if (req.method === 'GET' && path === '/batches') {
    const data = [...state.batches.values()].map((b) => b.object).reverse();
    sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
    return true;
  }
  const bm = /^\/batches\/([^/]+)(\/cancel)?$/.exec(path);
  if (bm) {
    const b = state.batches.get(decodeURIComponent(bm[1]!));
    if (!b) return invalid(res, 404, `No batch found with id '${bm[1]}'.`, null, 'batch_not_found');
    if (req.method === 'GET' && !bm[2]) {
      advance(state, b, chat, dialect);
      return sendJson(res, 200, b.object), true;
    }
    if (req.method === 'POST' && bm[2]) {
      if (!['validating', 'in_progress', 'finalizing', 'cancelling'].includes(b.object.status)) return invalid(res, 409, `Cannot cancel a batch with status '${b.object.status}'.`, null, 'batch_not_cancellable');
      if (b.object.status !== 'cancelling') Object.assign(b.object, { status: 'cancelling', cancelling_at: now() });
      return sendJson(res, 200, b.object), true;
    }
    return false;
  }
  return false;
}
