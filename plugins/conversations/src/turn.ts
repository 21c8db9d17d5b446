/**
 * `services.conversations`: a Responses call names a conversation, the service opens it for
 * that call (the caller's own, live; a LiteLLM id never seen before starts one), and the
 * open conversation gives each deployment tried the history it needs, read in pages (with
 * `truncation: "auto"`, only the newest items that fit its context window), binds the
 * conversation upstream on its first native turn, and appends the finished turn.
 */
import {
  canSee,
  GatewayError,
  ownerOf,
  ownerScope,
  type CallContext,
  type ConversationHistory,
  type ConversationHistoryOptions,
  type ConversationItem,
  type ConversationsService,
  type ConversationTurn,
  type Deployment,
  type Principal,
} from '@switchyard/core';
import type { ConversationsDeps } from './deps.js';
import { conversationNotFound, invalidConversationId } from './errors.js';
import { idKind } from './ids.js';
import type { StoredConversation } from './repo.js';
import { contextWindow, itemTokens, SAFETY_MARGIN, tokenCounter, type CountTokens } from './tokens.js';
import { appendUpstream, createUpstream, hasNativeConversations, upstream, upstreamItems, type UpstreamCaller } from './upstream.js';

/** Token counts read per query when fitting a history to a window. */
const TOKEN_PAGE = 1_000;

/** The tokens a turn needs besides its history: its input, instructions and the room for output. */
function reserved(o: ConversationHistoryOptions, count: CountTokens): number {
  return o.input.reduce((n, i) => n + itemTokens(i, count), 0) + count(o.instructions ?? '') + (o.maxOutputTokens ?? 0);
}

/** What a truncating history on `d` may hold: a token budget and the counter, or undefined when its window is unknown. */
async function budgetOf(d: Deployment, o: ConversationHistoryOptions): Promise<{ budget: number; count: CountTokens } | undefined> {
  if (o.truncation !== 'auto') return undefined;
  const window = await contextWindow(d);
  if (window === undefined) return undefined;
  const count = await tokenCounter();
  return { budget: Math.floor(window * (1 - SAFETY_MARGIN)) - reserved(o, count), count };
}

/** The newest items of `items` (oldest first) whose tokens fit `budget`. */
function fitInMemory(items: ConversationItem[], budget: number, count: CountTokens): ConversationHistory {
  let sum = 0;
  let start = items.length;
  while (start > 0) {
    const t = itemTokens(items[start - 1]!, count);
    if (sum + t > budget) break;
    sum += t;
    start--;
  }
  return { items: items.slice(start), dropped: start };
}

/**
 * The deployment a conversation is held on, as configured now (a `provider/model` name works
 * too); undefined when the config no longer has it.
 */
export function deploymentById(deps: ConversationsDeps, id: string): Deployment | undefined {
  return deps.api.models.deployments.find((d) => d.id === id) ?? deps.api.models.lookup(id)[0];
}

/** Opens stored conversation `c` for one call made by `principal`. */
function openTurn(deps: ConversationsDeps, c: StoredConversation, principal: Principal): ConversationTurn {
  const { api, repo } = deps;
  const histories = new Map<string, Promise<ConversationHistory>>();
  /** Deployments this call was given the upstream conversation on (their turn is appended upstream). */
  const served = new Set<string>();
  let bound = c.deploymentId && c.upstreamId ? { deploymentId: c.deploymentId, upstreamId: c.upstreamId } : undefined;
  const caller = (ctx?: CallContext): UpstreamCaller => ({ principal, requestId: ctx?.requestId });
  const holder = () => {
    const d = bound && deploymentById(deps, bound.deploymentId);
    if (!d) throw new GatewayError('GW_ERR_NOT_FOUND', `Conversation '${c.id}' is held by deployment '${bound?.deploymentId}', which is no longer configured.`, { param: 'conversation', publicCode: 'not_found' });
    return d;
  };

  async function localHistory(d: Deployment, o: ConversationHistoryOptions): Promise<ConversationHistory> {
    const fit = await budgetOf(d, o);
    if (fit === undefined) return { items: await repo.itemsFrom(c.id, 0), dropped: 0 };
    const { budget } = fit;
    await repo.countTokens(c.id, fit.count); // the items appended since the last truncating turn
    const totals = await repo.totals(c.id);
    if (totals.tokens <= budget) return { items: await repo.itemsFrom(c.id, 0), dropped: 0 };
    // newest first, until the next item would not fit: only token counts are read for this
    let sum = 0;
    let cut: number | undefined;
    let before: number | undefined;
    scan: for (;;) {
      const page = await repo.tokensNewestFirst(c.id, TOKEN_PAGE, before);
      for (const r of page) {
        if (sum + r.tokens > budget) break scan;
        sum += r.tokens;
        cut = r.seq;
      }
      if (page.length < TOKEN_PAGE) break;
      before = page.at(-1)!.seq;
    }
    const items = cut === undefined ? [] : await repo.itemsFrom(c.id, cut);
    return { items, dropped: totals.count - items.length };
  }

  async function remoteHistory(d: Deployment, o: ConversationHistoryOptions, ctx: CallContext): Promise<ConversationHistory> {
    const items = await upstreamItems(api, holder(), { ...caller(ctx), signal: ctx.signal }, bound!.upstreamId);
    const fit = await budgetOf(d, o);
    return fit === undefined ? { items, dropped: 0 } : fitInMemory(items, fit.budget, fit.count);
  }

  /** Makes the conversation upstream on `d` with its items so far; undefined when another turn changed it meanwhile. */
  async function bindTo(d: Deployment, ctx: CallContext): Promise<string | undefined> {
    const expected = await repo.nextSeq(c.id);
    const items = await repo.itemsFrom(c.id, 0);
    let upstreamId: string;
    try {
      upstreamId = await createUpstream(api, d, { ...caller(ctx), signal: ctx.signal }, c.metadata, items);
    } catch (err) {
      if (err instanceof GatewayError && (err.status === 404 || err.status === 405)) {
        // an OpenAI-compatible server without the Conversations API: give it the history instead
        deps.noNativeApi.add(d.id);
        deps.diagnostics.warn(`deployment ${d.id} has no Conversations API upstream (${err.status}); its conversation turns get the history as input`);
        return undefined;
      }
      throw err;
    }
    if (await repo.bind(c.id, expected, d.id, upstreamId)) {
      bound = { deploymentId: d.id, upstreamId };
      return upstreamId;
    }
    // a turn appended (or another call bound it) meanwhile: this turn goes as input, the copy goes
    void upstream(api, d, caller(ctx), { method: 'DELETE', path: `/conversations/${encodeURIComponent(upstreamId)}` }).catch(() => undefined);
    const now = await repo.get(c.id, undefined);
    if (now?.deploymentId && now.upstreamId) bound = { deploymentId: now.deploymentId, upstreamId: now.upstreamId };
    return now?.deploymentId === d.id ? (now.upstreamId ?? undefined) : undefined;
  }

  return {
    id: c.id,
    get deploymentId() {
      return bound?.deploymentId;
    },
    history(d, o, ctx) {
      const key = `${d.id}\u0000${o.truncation}`;
      let h = histories.get(key);
      if (!h) {
        h = bound ? remoteHistory(d, o, ctx) : localHistory(d, o);
        histories.set(key, h);
        h.catch(() => histories.delete(key));
      }
      return h;
    },
    async upstreamFor(d, ctx) {
      let id: string | undefined;
      if (bound) id = bound.deploymentId === d.id ? bound.upstreamId : undefined;
      else if (hasNativeConversations(api.providers.get(d.provider)) && !deps.noNativeApi.has(d.id)) id = await bindTo(d, ctx);
      if (id) served.add(d.id);
      return id;
    },
    async append(items, ctx) {
      if (items.length === 0 || (ctx.deployment && served.has(ctx.deployment.id))) return; // the upstream appended its own turn
      if (!bound) {
        const res = await repo.append(c.id, items);
        if (res.kind !== 'bound') return; // appended, or deleted meanwhile: nothing to keep
        bound = { deploymentId: res.deploymentId, upstreamId: res.upstreamId };
      }
      await appendUpstream(api, holder(), caller(ctx), bound.upstreamId, items);
    },
  };
}

/**
 * The conversations service of a gateway.
 *
 * @example
 * ```ts
 * gateway.services.conversations = conversationsService(deps);
 * ```
 */
export function conversationsService(deps: ConversationsDeps): ConversationsService {
  return {
    async open(ref, principal, param) {
      const kind = idKind(ref);
      if (!kind) throw invalidConversationId(ref, param);
      let c = await deps.repo.get(ref, ownerScope(principal));
      if (!c && kind === 'litellm') {
        // LiteLLM's gateway-managed ids: the first use starts the conversation (another owner's stays theirs)
        await deps.repo.ensure({ id: ref, owner: ownerOf(principal), createdAt: Math.floor(Date.now() / 1000) });
        c = await deps.repo.get(ref, undefined);
        if (c && !canSee(principal, c.owner)) c = undefined;
      }
      if (!c || c.deleted) throw conversationNotFound(ref, param);
      return openTurn(deps, c, principal);
    },
  };
}
