/**
 * `/v1/threads` and their messages: create (with first messages, in one transaction),
 * retrieve, modify, delete (with everything in the thread); messages create, list, retrieve,
 * modify, delete. No message is added under an active run, as OpenAI refuses it.
 */
import { ownerOf, ownerScope, validate, type RouteDefinition } from '@switchyard/core';
import type { AnyKysely } from '@switchyard/store';
import type { AssistantsDeps } from '../deps.js';
import { invalid, notFound } from '../errors.js';
import { checkId, newId, nextSeq, nowSec } from '../ids.js';
import { checkNativeMessage, checkNativeToolResources, newMessage } from '../objects.js';
import { TABLES } from '../repo.js';
import { CreateMessageBody, CreateThreadBody, ModifyMetadataBody, ModifyThreadBody, type CreateMessage } from '../schema.js';
import type { MessageObject, ThreadObject } from '../types.js';
import { listBody, listParams, mustThread } from './common.js';

/** A new thread body as checked. */
type NewThread = { messages?: CreateMessage[] | null; tool_resources?: Record<string, unknown> | null; metadata?: Record<string, string> | null };

/**
 * Checks a new thread for a native run (its messages' content and its tool resources).
 *
 * @example
 * ```ts
 * checkNativeThread(body, 'thread');
 * ```
 */
export function checkNativeThread(body: NewThread, prefix = ''): void {
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  (body.messages ?? []).forEach((m, i) => checkNativeMessage(m, at(`messages[${i}]`)));
  checkNativeToolResources(body.tool_resources, at('tool_resources'));
}

/**
 * Writes a new thread and its first messages in `trx`; returns the thread.
 *
 * @example
 * ```ts
 * const thread = await store.transaction((trx) => insertThread(deps, trx, body, owner));
 * ```
 */
export async function insertThread(deps: AssistantsDeps, trx: AnyKysely, body: NewThread, owner: string, id = newId('thread')): Promise<ThreadObject> {
  const t: ThreadObject = { id, object: 'thread', created_at: nowSec(), tool_resources: body.tool_resources ?? null, metadata: body.metadata ?? {} };
  await deps.repo.insertThread(t, owner, nextSeq(), trx);
  for (const m of body.messages ?? []) await deps.repo.insertMessage(newMessage(t.id, m, t.created_at), owner, nextSeq(), trx);
  return t;
}

/**
 * Fails unless no run holds the thread; on PostgreSQL it also locks the thread row until the
 * transaction ends, so a run cannot start between this check and the caller's writes.
 */
async function mustBeIdle(trx: AnyKysely, threadId: string): Promise<void> {
  const r = await trx.updateTable(TABLES.threads).set({ active_run_id: null }).where('id', '=', threadId).where('active_run_id', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) return;
  const row = (await trx.selectFrom(TABLES.threads).select('active_run_id').where('id', '=', threadId).executeTakeFirst()) as { active_run_id: string | null } | undefined;
  if (!row) throw notFound('thread', threadId, 'thread_id');
  throw invalid(`Can't add messages to ${threadId} while a run ${row.active_run_id} is active.`, 'thread_id', 'thread_locked');
}

/**
 * The threads and messages routes.
 *
 * @example
 * ```ts
 * for (const route of threadRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function threadRoutes(deps: AssistantsDeps): RouteDefinition[] {
  const { repo } = deps;
  const mustMessage = async (threadId: string, raw: string | undefined, scope: string | undefined): Promise<MessageObject> => {
    const id = checkId(raw, 'message', 'message_id');
    const m = await repo.message(threadId, id, scope);
    if (!m) throw notFound('message', id, 'message_id');
    return m;
  };
  return [
    {
      method: 'POST',
      path: '/v1/threads',
      body: 'json-optional',
      async handler(req) {
        const body = validate(CreateThreadBody, req.body ?? {});
        checkNativeThread(body);
        const owner = ownerOf(req.principal);
        return { body: await repo.transaction((trx) => insertThread(deps, trx, body, owner)) };
      },
    },
    {
      method: 'GET',
      path: '/v1/threads/:thread_id',
      async handler(req) {
        return { body: await mustThread(deps, req) };
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/:thread_id',
      async handler(req) {
        const t = await mustThread(deps, req);
        const body = validate(ModifyThreadBody, req.body ?? {});
        checkNativeToolResources(body.tool_resources, 'tool_resources');
        const next: ThreadObject = { ...t };
        if (body.metadata !== undefined) next.metadata = body.metadata ?? {};
        if (body.tool_resources !== undefined) next.tool_resources = body.tool_resources;
        if (!(await repo.saveThread(next))) throw notFound('thread', t.id, 'thread_id');
        return { body: next };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/threads/:thread_id',
      async handler(req) {
        const id = checkId(req.params.thread_id, 'thread', 'thread_id');
        const scope = ownerScope(req.principal);
        const active = (await repo.thread(id, scope)) ? await repo.activeRunId(id) : null;
        const running = active ? await repo.storedRun(active) : undefined;
        if (!(await repo.deleteThread(id, scope))) throw notFound('thread', id, 'thread_id');
        if (running) await deps.queue.cancel(running.run.id, running.exec.segment); // its executor stops: the thread is gone
        return { body: { id, object: 'thread.deleted', deleted: true } };
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/:thread_id/messages',
      async handler(req) {
        const t = await mustThread(deps, req);
        const body = validate(CreateMessageBody, req.body ?? {});
        checkNativeMessage(body);
        const m = newMessage(t.id, body);
        await repo.transaction(async (trx) => {
          await mustBeIdle(trx, t.id);
          await repo.insertMessage(m, ownerOf(req.principal), nextSeq(), trx);
        });
        return { body: m };
      },
    },
    {
      method: 'GET',
      path: '/v1/threads/:thread_id/messages',
      async handler(req) {
        const t = await mustThread(deps, req);
        const params = listParams(req);
        if (params.run_id) checkId(params.run_id, 'run', 'run_id');
        return { body: listBody(await repo.listMessages(t.id, params)) };
      },
    },
    {
      method: 'GET',
      path: '/v1/threads/:thread_id/messages/:message_id',
      async handler(req) {
        const t = await mustThread(deps, req);
        return { body: await mustMessage(t.id, req.params.message_id, ownerScope(req.principal)) };
      },
    },
    {
      method: 'POST',
      path: '/v1/threads/:thread_id/messages/:message_id',
      async handler(req) {
        const t = await mustThread(deps, req);
        const m = await mustMessage(t.id, req.params.message_id, ownerScope(req.principal));
        const body = validate(ModifyMetadataBody, req.body ?? {});
        const next: MessageObject = { ...m, metadata: body.metadata ?? m.metadata };
        if (body.metadata === null) next.metadata = {};
        if (!(await repo.saveMessage(next, undefined, true))) throw notFound('message', m.id, 'message_id');
        return { body: next };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/threads/:thread_id/messages/:message_id',
      async handler(req) {
        const t = await mustThread(deps, req);
        const m = await mustMessage(t.id, req.params.message_id, ownerScope(req.principal));
        if (!(await repo.deleteMessage(t.id, m.id))) throw notFound('message', m.id, 'message_id');
        return { body: { id: m.id, object: 'thread.message.deleted', deleted: true } };
      },
    },
  ];
}
