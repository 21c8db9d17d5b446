/**
 * The Conversations API routes: create, retrieve, update and delete conversations; list, add,
 * retrieve and delete their items. A conversation a native turn made upstream is served from
 * there (its items are the upstream's), every other from the store; either way only its
 * owner (or an admin) finds it.
 */
import { GatewayError, ownerOf, ownerScope, validate, z, type ConversationItem, type Deployment, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import type { ConversationsDeps } from './deps.js';
import { conversationNotFound, invalidConversationId, itemNotFound } from './errors.js';
import { idKind, newConversationId } from './ids.js';
import { normalizeItems } from './items.js';
import type { StoredConversation } from './repo.js';
import { deploymentById } from './turn.js';
import { appendUpstream, upstream } from './upstream.js';

const Metadata = z
  .record(z.string().max(64, 'keys must be at most 64 characters'), z.string().max(512, 'values must be strings of at most 512 characters'))
  .refine((m) => Object.keys(m).length <= 16, 'must have at most 16 keys');

const CreateBody = z.strictObject({ items: z.unknown().optional(), metadata: Metadata.nullable().optional() });
const UpdateBody = z.strictObject({ metadata: Metadata });
const AddBody = z.strictObject({ items: z.unknown() });

/** Values `include` may name (as in the OpenAI API). */
const INCLUDABLE = [
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
] as const;
const Include = z.array(z.enum(INCLUDABLE)).optional();
const ListQuery = z.looseObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().min(1).max(200).optional(),
});

const present = (c: Pick<StoredConversation, 'id' | 'createdAt' | 'metadata'>) => ({ id: c.id, object: 'conversation' as const, created_at: c.createdAt, metadata: c.metadata });

const list = (data: ConversationItem[], hasMore: boolean) => ({ object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore });

/** `include` (or `include[]`, the SDK's form) as a checked list. */
function includeOf(query: RouteRequest['query']): string[] | undefined {
  const raw = query['include[]'] ?? query.include;
  if (raw === undefined) return undefined;
  return validate(z.object({ include: Include }), { include: Array.isArray(raw) ? raw : [raw] }).include;
}

/**
 * The Conversations API routes.
 *
 * @example
 * ```ts
 * for (const route of conversationsRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function conversationsRoutes(deps: ConversationsDeps): RouteDefinition[] {
  const { api, repo } = deps;

  /** The caller's live conversation named by the route's `:id`, or a 404. */
  async function mustFind(req: RouteRequest): Promise<StoredConversation> {
    const id = req.params.id!;
    if (!idKind(id)) throw invalidConversationId(id, 'conversation_id');
    const c = await repo.get(id, ownerScope(req.principal));
    if (!c || c.deleted) throw conversationNotFound(id, 'conversation_id');
    return c;
  }

  /** The deployment holding `c` upstream, or undefined for a conversation kept in the store. */
  function holder(c: StoredConversation): { d: Deployment; upstreamId: string } | undefined {
    if (!c.deploymentId || !c.upstreamId) return undefined;
    const d = deploymentById(deps, c.deploymentId);
    if (!d) throw new GatewayError('GW_ERR_NOT_FOUND', `Conversation '${c.id}' is held by deployment '${c.deploymentId}', which is no longer configured.`, { param: 'conversation_id', publicCode: 'not_found' });
    return { d, upstreamId: c.upstreamId };
  }

  /** An upstream request for `c`, its errors naming the gateway's conversation id rather than the upstream's. */
  async function viaUpstream<T>(c: StoredConversation, h: { upstreamId: string }, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof GatewayError) || !err.message.includes(h.upstreamId)) throw err;
      throw new GatewayError(err.code, err.message.replaceAll(h.upstreamId, c.id), { status: err.status, type: err.type, param: err.param, publicCode: err.publicCode, headers: err.headers, expose: err.expose });
    }
  }

  const caller = (req: RouteRequest) => ({ principal: req.principal, requestId: req.requestId, signal: req.signal });
  const itemPath = (h: { upstreamId: string }, itemId?: string) =>
    `/conversations/${encodeURIComponent(h.upstreamId)}/items${itemId === undefined ? '' : `/${encodeURIComponent(itemId)}`}`;

  return [
    {
      method: 'POST',
      path: '/v1/conversations',
      async handler(req) {
        const body = validate(CreateBody, req.body ?? {});
        const items = normalizeItems(body.items, 'items', { allowEmpty: true });
        const c = { id: newConversationId(), owner: ownerOf(req.principal), createdAt: Math.floor(Date.now() / 1000), metadata: body.metadata ?? {} };
        await repo.create(c, items);
        return { body: present(c) };
      },
    },
    {
      method: 'GET',
      path: '/v1/conversations/:id',
      async handler(req) {
        return { body: present(await mustFind(req)) };
      },
    },
    {
      method: 'POST',
      path: '/v1/conversations/:id',
      async handler(req) {
        const c = await mustFind(req);
        const { metadata } = validate(UpdateBody, req.body ?? {});
        const h = holder(c);
        if (h) await viaUpstream(c, h, () => upstream(api, h.d, caller(req), { method: 'POST', path: `/conversations/${encodeURIComponent(h.upstreamId)}`, body: { metadata } }));
        if (!(await repo.setMetadata(c.id, metadata))) throw conversationNotFound(c.id, 'conversation_id');
        return { body: present({ ...c, metadata }) };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/conversations/:id',
      async handler(req) {
        const c = await mustFind(req);
        const h = holder(c);
        if (h) {
          await upstream(api, h.d, caller(req), { method: 'DELETE', path: `/conversations/${encodeURIComponent(h.upstreamId)}` }).catch((err: unknown) => {
            if (!(err instanceof GatewayError && err.status === 404)) throw err; // already gone upstream
          });
        }
        if (!(await repo.markDeleted(c.id))) throw conversationNotFound(c.id, 'conversation_id');
        return { body: { id: c.id, object: 'conversation.deleted', deleted: true } };
      },
    },
    {
      method: 'GET',
      path: '/v1/conversations/:id/items',
      async handler(req) {
        const c = await mustFind(req);
        const q = validate(ListQuery, req.query);
        const include = includeOf(req.query);
        const h = holder(c);
        if (h) {
          const query = new URLSearchParams({ limit: String(q.limit), order: q.order, ...(q.after ? { after: q.after } : {}) });
          for (const i of include ?? []) query.append('include[]', i);
          return { body: await viaUpstream(c, h, () => upstream(api, h.d, caller(req), { method: 'GET', path: itemPath(h), query: query.toString() })) };
        }
        let afterSeq: number | undefined;
        if (q.after) {
          afterSeq = await repo.seqOf(c.id, q.after);
          if (afterSeq === undefined) throw new GatewayError('GW_ERR_INVALID_REQUEST', `No item with id '${q.after}' in this conversation.`, { param: 'after', publicCode: 'invalid_value' });
        }
        const page = await repo.page(c.id, { order: q.order, limit: q.limit, afterSeq });
        return { body: list(page.rows.map((r) => r.item), page.hasMore) };
      },
    },
    {
      method: 'POST',
      path: '/v1/conversations/:id/items',
      async handler(req) {
        const c = await mustFind(req);
        includeOf(req.query);
        const body = validate(AddBody, req.body ?? {});
        const items = normalizeItems(body.items, 'items');
        const h = holder(c);
        if (h) return { body: await viaUpstream(c, h, () => upstream(api, h.d, caller(req), { method: 'POST', path: itemPath(h), body: { items: body.items } })) };
        const res = await repo.append(c.id, items);
        if (res.kind === 'deleted') throw conversationNotFound(c.id, 'conversation_id');
        if (res.kind === 'bound') {
          // a native turn took it upstream while this request was checked: add it there
          const d = deploymentById(deps, res.deploymentId);
          if (!d) throw conversationNotFound(c.id, 'conversation_id');
          await appendUpstream(api, d, caller(req), res.upstreamId, items);
          return { body: list(items, false) };
        }
        return { body: list(res.items, false) };
      },
    },
    {
      method: 'GET',
      path: '/v1/conversations/:id/items/:item',
      async handler(req) {
        const c = await mustFind(req);
        includeOf(req.query);
        const h = holder(c);
        if (h) return { body: await viaUpstream(c, h, () => upstream(api, h.d, caller(req), { method: 'GET', path: itemPath(h, req.params.item!) })) };
        const item = await repo.item(c.id, req.params.item!);
        if (!item) throw itemNotFound(req.params.item!);
        return { body: item };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/conversations/:id/items/:item',
      async handler(req) {
        const c = await mustFind(req);
        const h = holder(c);
        if (h) await viaUpstream(c, h, () => upstream(api, h.d, caller(req), { method: 'DELETE', path: itemPath(h, req.params.item!) }));
        else if (!(await repo.deleteItem(c.id, req.params.item!))) throw itemNotFound(req.params.item!);
        return { body: present(c) };
      },
    },
  ];
}
