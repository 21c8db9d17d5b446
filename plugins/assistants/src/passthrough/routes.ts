/**
 * Pass-through mode: the whole Assistants API sent unchanged to an OpenAI or Azure endpoint
 * (hosted tools such as `code_interpreter`, streaming, and `openai/<model>` names on
 * OpenAI-compatible Assistants servers included). The gateway keeps a map of the ids made
 * through it (assistants and threads: their owner and the target holding them), so each
 * key reaches only its own objects (another key's are OpenAI's 404), lists show only the
 * caller's, and a thread's runs go to the deployment that holds it.
 */
import { GatewayError, ownerOf, ownerScope, sseResponse, type RouteDefinition, type RouteMethod, type RouteRequest, type RouteResponse } from '@switchyard/core';
import { upstreamFetch, readText, headerValue } from '@switchyard/upstream';
import { notFound, invalid } from '../errors.js';
import { nextSeq, type Kind } from '../ids.js';
import type { AssistantsRepo } from '../repo.js';
import type { Target } from './target.js';

/** What pass-through needs. */
export interface PassthroughEnv {
  repo: AssistantsRepo;
  /** The targets; the first holds new top-level objects. */
  targets(): readonly Target[];
}

/** Response headers passed back to the client. */
const KEPT_HEADERS = ['openai-poll-after-ms', 'openai-processing-ms', 'x-request-id'];

/** Most upstream pages one filtered list reads. */
const MAX_PAGES = 20;

type Json = Record<string, unknown>;

/** An upstream error answer as the gateway's error (same status, type, param and code). */
function upstreamError(status: number, text: string, provider: string): GatewayError {
  let e: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: typeof e };
    e = parsed.error;
  } catch {
    e = undefined;
  }
  const message = typeof e?.message === 'string' ? e.message : `The ${provider} Assistants API answered ${status}.`;
  return new GatewayError(status >= 500 ? 'GW_ERR_PROVIDER_UPSTREAM' : 'GW_ERR_INVALID_REQUEST', message, {
    status,
    type: typeof e?.type === 'string' ? e.type : undefined,
    param: typeof e?.param === 'string' ? e.param : null,
    publicCode: typeof e?.code === 'string' ? e.code : null,
    expose: true,
  });
}

function queryOf(req: RouteRequest, override: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) {
    if (k in override) continue;
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) q.append(k, one);
  }
  for (const [k, v] of Object.entries(override)) q.set(k, v);
  return q.toString();
}

/** The SSE frames of an upstream stream, passed on unchanged; `onEvent` sees each before the client does. */
async function* relay(body: AsyncIterable<Buffer | string>, onEvent: (event: string, data: string) => Promise<void>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    buf += text;
    let cut: number;
    let out = '';
    while ((cut = buf.search(/\r?\n\r?\n/)) >= 0) {
      const frame = buf.slice(0, cut);
      const sep = /\r?\n\r?\n/.exec(buf.slice(cut))![0];
      buf = buf.slice(cut + sep.length);
      const event = /^event: ?(.*)$/m.exec(frame)?.[1]?.trim() ?? '';
      const data = [...frame.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
      if (event) await onEvent(event, data);
      out += frame + sep;
    }
    if (out) yield out;
  }
  if (buf) yield buf;
}

/**
 * The pass-through routes.
 *
 * @example
 * ```ts
 * for (const route of passthroughRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function passthroughRoutes(deps: PassthroughEnv): RouteDefinition[] {
  const { repo } = deps;
  const primary = () => deps.targets()[0]!;
  const byId = (id: string) => deps.targets().find((t) => t.id === id) ?? primary();

  /** The target holding the caller's object `id` of `kind`, or OpenAI's 404. */
  async function holder(req: RouteRequest, kind: Kind, id: string | undefined, param: string): Promise<Target> {
    const raw = id ?? '';
    const scope = ownerScope(req.principal);
    const mapped = await repo.mappedId(raw, scope);
    if (mapped && mapped.kind === kind) return byId(mapped.target);
    if (scope === undefined) return primary(); // an admin reaches objects made upstream directly too
    throw notFound(kind, raw, param);
  }

  async function send(req: RouteRequest, target: Target, path: string, options: { query?: string; onEvent?: (event: string, data: string) => Promise<void> } = {}) {
    const method = req.method as 'GET' | 'POST' | 'DELETE';
    const body = method === 'POST' ? ((req.body ?? {}) as Json) : undefined;
    const stream = body?.stream === true;
    const res = await upstreamFetch({
      method,
      url: target.url(path, options.query ?? queryOf(req)),
      headers: { ...target.headers(), accept: stream ? 'text/event-stream' : 'application/json' },
      body,
      signal: req.signal,
      timeoutMs: target.timeoutMs,
      provider: target.provider,
    });
    if (res.status >= 400) throw upstreamError(res.status, await readText(res, target.provider), target.provider);
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = headerValue(res.headers, h);
      if (v) headers[h] = v;
    }
    if (stream && String(headerValue(res.headers, 'content-type') ?? '').startsWith('text/event-stream')) {
      return { stream: relay(res.body as AsyncIterable<Buffer>, options.onEvent ?? (async () => undefined)), headers };
    }
    const text = await readText(res, target.provider);
    let json: Json;
    try {
      json = JSON.parse(text) as Json;
    } catch {
      throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${target.provider} Assistants API answered with a body that is not JSON.`, { publicCode: 'upstream_invalid_response', expose: true });
    }
    return { json, headers };
  }

  const answer = (out: Awaited<ReturnType<typeof send>>): RouteResponse => ('stream' in out && out.stream ? sseResponse(out.stream, out.headers) : { headers: out.headers, body: out.json });
  const map = (kind: Kind, req: RouteRequest, target: Target) => async (id: unknown) => {
    if (typeof id === 'string' && id) await repo.mapId(id, kind, ownerOf(req.principal), target.id, nextSeq());
  };

  /** `/v1/a/:x/b` → `/a/<x>/b` with the request's ids. */
  const upstreamPath = (pattern: string, req: RouteRequest) => pattern.replace(/^\/v1/, '').replace(/:([a-z_]+)/g, (_m, name: string) => encodeURIComponent(req.params[name] ?? ''));

  const routes: RouteDefinition[] = [
    {
      method: 'POST',
      path: '/v1/assistants',
      async handler(req) {
        const target = primary();
        const out = await send(req, target, '/assistants');
        if ('json' in out) await map('assistant', req, target)(out.json?.id);
        return answer(out);
      },
    },
    {
      method: 'GET',
      path: '/v1/assistants',
      async handler(req) {
        const target = primary();
        const scope = ownerScope(req.principal);
        if (scope === undefined) return answer(await send(req, target, '/assistants'));
        // only the caller's: read pages until a page's worth of theirs (or the end)
        const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 20) || 20));
        const data: Json[] = [];
        let after = typeof req.query.after === 'string' ? req.query.after : undefined;
        let more = false;
        for (let pages = 0; pages < MAX_PAGES; pages++) {
          const out = await send(req, target, '/assistants', { query: queryOf(req, { limit: String(limit), ...(after ? { after } : {}) }) });
          const page = ('json' in out ? out.json : {}) as { data?: Json[]; has_more?: boolean };
          const rows = Array.isArray(page.data) ? page.data : [];
          const mine = await repo.ownedIds(rows.map((r) => String(r.id)), scope);
          const kept = rows.filter((r) => mine.has(String(r.id)));
          const room = limit - data.length;
          data.push(...kept.slice(0, room));
          more = kept.length > room || Boolean(page.has_more);
          if (data.length >= limit || !page.has_more || rows.length === 0 || req.query.before !== undefined) break;
          after = String(rows.at(-1)!.id);
        }
        return { body: { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: more } };
      },
    },
    ...(['GET', 'POST', 'DELETE'] as const).map(
      (method): RouteDefinition => ({
        method,
        path: '/v1/assistants/:assistant_id',
        async handler(req) {
          const target = await holder(req, 'assistant', req.params.assistant_id, 'assistant_id');
          const out = await send(req, target, upstreamPath('/v1/assistants/:assistant_id', req));
          if (method === 'DELETE') await repo.unmapId(req.params.assistant_id!);
          return answer(out);
        },
      }),
    ),
    {
      method: 'POST',
      path: '/v1/threads',
      body: 'json-optional',
      async handler(req) {
        const target = primary();
        const out = await send(req, target, '/threads');
        if ('json' in out) await map('thread', req, target)(out.json?.id);
        return answer(out);
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/runs',
      async handler(req) {
        const asst = (req.body as Json | undefined)?.assistant_id;
        if (typeof asst !== 'string' || !asst) throw invalid("Missing required parameter: 'assistant_id'.", 'assistant_id', 'missing_required_parameter');
        const target = await holder(req, 'assistant', asst, 'assistant_id');
        const mapThread = map('thread', req, target);
        const out = await send(req, target, '/threads/runs', {
          onEvent: async (event, data) => {
            if (event === 'thread.created') await mapThread((JSON.parse(data) as Json).id);
          },
        });
        if ('json' in out) await mapThread(out.json?.thread_id);
        return answer(out);
      },
    },
  ];

  // everything in a thread: the thread's owner only, on the target that holds it
  const inThread: Array<[RouteMethod, string]> = [
    ['GET', '/v1/threads/:thread_id'],
    ['POST', '/v1/threads/:thread_id'],
    ['DELETE', '/v1/threads/:thread_id'],
    ['POST', '/v1/threads/:thread_id/messages'],
    ['GET', '/v1/threads/:thread_id/messages'],
    ['GET', '/v1/threads/:thread_id/messages/:message_id'],
    ['POST', '/v1/threads/:thread_id/messages/:message_id'],
    ['DELETE', '/v1/threads/:thread_id/messages/:message_id'],
    ['POST', '/v1/threads/:thread_id/runs'],
    ['GET', '/v1/threads/:thread_id/runs'],
    ['GET', '/v1/threads/:thread_id/runs/:run_id'],
    ['POST', '/v1/threads/:thread_id/runs/:run_id'],
    ['POST', '/v1/threads/:thread_id/runs/:run_id/cancel'],
    ['POST', '/v1/threads/:thread_id/runs/:run_id/submit_tool_outputs'],
    ['GET', '/v1/threads/:thread_id/runs/:run_id/steps'],
    ['GET', '/v1/threads/:thread_id/runs/:run_id/steps/:step_id'],
  ];
  for (const [method, path] of inThread) {
    routes.push({
      method,
      path,
      ...(path.endsWith('/cancel') ? { body: 'none' as const } : {}),
      async handler(req) {
        const target = await holder(req, 'thread', req.params.thread_id, 'thread_id');
        if (method === 'POST' && path === '/v1/threads/:thread_id/runs') {
          const asst = (req.body as Json | undefined)?.assistant_id;
          if (typeof asst === 'string' && asst) {
            const at = await holder(req, 'assistant', asst, 'assistant_id');
            if (at.id !== target.id) throw invalid(`Assistant ${asst} and thread ${req.params.thread_id} are held by different deployments.`, 'assistant_id');
          }
        }
        const out = await send(req, target, upstreamPath(path, req));
        if (method === 'DELETE' && path === '/v1/threads/:thread_id') await repo.unmapId(req.params.thread_id!);
        return answer(out);
      },
    });
  }
  return routes;
}
