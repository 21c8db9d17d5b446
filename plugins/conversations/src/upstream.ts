/**
 * Conversations held by a provider that has the Conversations API itself (OpenAI, Azure
 * OpenAI: adapters that list `conversations` in `nativeApis`): made there on the first turn
 * a deployment of theirs serves, then read, added to and deleted through the adapter's
 * `passthrough`, with the deployment's own URL and key.
 */
import { createCallContext, GatewayError, type ConversationItem, type Deployment, type PluginApi, type Principal, type ProviderAdapter } from '@switchyard/core';
import { readJson } from '@switchyard/upstream';
import { MAX_ITEMS_PER_ADD } from './items.js';

/** Who an upstream request is made for (recorded nowhere; the adapter needs a context). */
export interface UpstreamCaller {
  principal: Principal;
  requestId?: string;
  signal?: AbortSignal;
}

/**
 * Whether `adapter` serves the Conversations API natively (and Responses with it: a
 * conversation lives where its turns run).
 *
 * @example
 * ```ts
 * if (hasNativeConversations(api.providers.get(d.provider))) bindUpstream();
 * ```
 */
export function hasNativeConversations(adapter: ProviderAdapter | undefined): boolean {
  return Boolean(adapter?.passthrough && adapter.nativeApis?.includes('conversations') && adapter.nativeApis.includes('responses'));
}

/**
 * One upstream Conversations API request on deployment `d`, answered as parsed JSON.
 *
 * @example
 * ```ts
 * const conv = await upstream(api, d, caller, { method: 'POST', path: '/conversations', body: { metadata: {} } });
 * ```
 */
export async function upstream<T = Record<string, unknown>>(
  api: PluginApi,
  d: Deployment,
  caller: UpstreamCaller,
  req: { method: 'GET' | 'POST' | 'DELETE'; path: string; query?: string; body?: unknown },
): Promise<T> {
  const adapter = api.providers.get(d.provider);
  if (!adapter?.passthrough) {
    throw new GatewayError('GW_ERR_NOT_FOUND', `This conversation is held by deployment '${d.id}', which can no longer be reached.`, { publicCode: 'not_found', param: 'conversation_id' });
  }
  const signal = caller.signal ?? new AbortController().signal;
  const ctx = createCallContext({ requestId: caller.requestId, operation: 'conversations', endpoint: '/v1/conversations', signal, principal: caller.principal });
  const res = await adapter.passthrough(req, { deployment: d, ctx, signal });
  return readJson<T>(res, d.provider);
}

/**
 * Items as a provider takes them as input: the gateway's ids and statuses removed (the
 * upstream names its own), reasoning items left out (their ids mean nothing there).
 *
 * @example
 * ```ts
 * await upstream(api, d, caller, { method: 'POST', path: `/conversations/${up}/items`, body: { items: asInput(items) } });
 * ```
 */
export function asInput(items: readonly ConversationItem[]): Array<Record<string, unknown>> {
  return items
    .filter((i) => i.type !== 'reasoning')
    .map((i) => {
      const { id: _id, status: _status, ...rest } = i;
      return rest;
    });
}

/**
 * Appends items to an upstream conversation, twenty (the API's limit) per request.
 *
 * @example
 * ```ts
 * await appendUpstream(api, d, caller, upstreamId, items);
 * ```
 */
export async function appendUpstream(api: PluginApi, d: Deployment, caller: UpstreamCaller, upstreamId: string, items: readonly ConversationItem[]): Promise<void> {
  const input = asInput(items);
  for (let i = 0; i < input.length; i += MAX_ITEMS_PER_ADD) {
    await upstream(api, d, caller, { method: 'POST', path: `/conversations/${encodeURIComponent(upstreamId)}/items`, body: { items: input.slice(i, i + MAX_ITEMS_PER_ADD) } });
  }
}

/**
 * Makes a conversation upstream with these metadata and items; returns its upstream id.
 *
 * @example
 * ```ts
 * const upstreamId = await createUpstream(api, d, caller, { topic: 'x' }, items);
 * ```
 */
export async function createUpstream(api: PluginApi, d: Deployment, caller: UpstreamCaller, metadata: Record<string, string>, items: readonly ConversationItem[]): Promise<string> {
  const input = asInput(items);
  const made = await upstream<{ id?: unknown }>(api, d, caller, { method: 'POST', path: '/conversations', body: { metadata, items: input.slice(0, MAX_ITEMS_PER_ADD) } });
  if (typeof made.id !== 'string' || !made.id) {
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${d.provider} upstream answered a new conversation without an id.`, { publicCode: 'upstream_invalid_response', expose: true });
  }
  for (let i = MAX_ITEMS_PER_ADD; i < input.length; i += MAX_ITEMS_PER_ADD) {
    await upstream(api, d, caller, { method: 'POST', path: `/conversations/${encodeURIComponent(made.id)}/items`, body: { items: input.slice(i, i + MAX_ITEMS_PER_ADD) } });
  }
  return made.id;
}

/**
 * Every item of an upstream conversation, oldest first (read 100 per page).
 *
 * @example
 * ```ts
 * const items = await upstreamItems(api, d, caller, upstreamId);
 * ```
 */
export async function upstreamItems(api: PluginApi, d: Deployment, caller: UpstreamCaller, upstreamId: string): Promise<ConversationItem[]> {
  const out: ConversationItem[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const query = new URLSearchParams({ order: 'asc', limit: '100', ...(after ? { after } : {}) }).toString();
    const page = await upstream<{ data?: ConversationItem[]; has_more?: boolean; last_id?: string | null }>(api, d, caller, {
      method: 'GET',
      path: `/conversations/${encodeURIComponent(upstreamId)}/items`,
      query,
    });
    const data = Array.isArray(page.data) ? page.data : [];
    out.push(...data);
    if (!page.has_more || data.length === 0 || !page.last_id) break;
    after = page.last_id;
  }
  return out;
}
