/**
 * The Responses API part of the OpenAI emulator: create (JSON and SSE), retrieve, delete,
 * input_items, cancel, with `previous_response_id` chains kept in memory. Answers
 * `echo: <last user text> (turn N)` so tests can see how long a chain upstream was.
 */
import { sendJson, writeSse, type EmulatorExchange } from './server.js';

interface Stored {
  response: Record<string, unknown>;
  input: Array<Record<string, unknown>>;
  parent: string | null;
}

let n = 0;
const id = (p: string) => `${p}_emu${(++n).toString(16).padStart(8, '0')}`;
const notFound = (res: EmulatorExchange['res'], rid: string) =>
  sendJson(res, 404, { error: { message: `Response with id '${rid}' not found.`, type: 'invalid_request_error', param: null, code: null } });

function textOf(item: Record<string, unknown>): string {
  const c = item.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p: { text?: string }) => p.text ?? '').join('');
  return '';
}

/** A conversation the emulator holds. */
export interface EmulatedConversation {
  created_at: number;
  metadata: Record<string, unknown>;
  items: Array<Record<string, unknown>>;
}

const withIds = (items: Array<Record<string, unknown>>) =>
  items.map((it) => {
    const type = (it.type as string | undefined) ?? 'message';
    const content = typeof it.content === 'string' ? [{ type: it.role === 'assistant' ? 'output_text' : 'input_text', text: it.content }] : it.content;
    return { ...it, type, ...(type === 'message' ? { content, status: 'completed' } : {}), id: id(type === 'message' ? 'msg' : type === 'function_call' ? 'fc' : 'item') };
  });

/** Handles `/v1/responses*` (and `/v1/conversations*` with the same state); returns false for other paths. */
export function responsesRoutes(store: Map<string, Stored>, conversations: Map<string, EmulatedConversation> = new Map()) {
  const conversationRoutes = conversationsRoutes(conversations);
  return async (x: EmulatorExchange): Promise<boolean> => {
    const { req, res, fault } = x;
    const [path, query = ''] = req.path.split('?');
    if (path!.startsWith('/v1/conversations')) return conversationRoutes(x);
    const m = /^\/v1\/responses(?:\/([^/]+))?(?:\/(input_items|cancel))?$/.exec(path!);
    if (!m) return false;
    const [, rid, sub] = m;
    if (!rid && req.method === 'POST') {
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body.model !== 'string') {
        sendJson(res, 400, { error: { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' } });
        return true;
      }
      const prev = body.previous_response_id as string | undefined;
      const convRef = body.conversation as string | { id?: string } | undefined | null;
      const convId = typeof convRef === 'string' ? convRef : convRef?.id;
      const conv = convId ? conversations.get(convId) : undefined;
      if (convId && prev) {
        sendJson(res, 400, { error: { message: "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.", type: 'invalid_request_error', param: null, code: 'mutually_exclusive_parameters' } });
        return true;
      }
      if (convId && !conv) {
        sendJson(res, 404, { error: { message: `Conversation with id '${convId}' not found.`, type: 'invalid_request_error', param: 'conversation', code: null } });
        return true;
      }
      if (prev && !store.has(prev)) {
        sendJson(res, 400, { error: { message: `Previous response with id '${prev}' not found.`, type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' } });
        return true;
      }
      const input: Array<Record<string, unknown>> =
        typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: body.input }] }] : ((body.input as Array<Record<string, unknown>>) ?? []);
      const items = input.map((it) => ({ id: id('msg'), ...it }));
      let turn = 1;
      for (let p = prev ?? null; p; p = store.get(p)!.parent) turn++;
      // in a conversation: one turn per assistant message it holds
      for (const it of conv?.items ?? []) if (it.role === 'assistant') turn++;
      const lastUser = [...input].reverse().find((i) => (i.role ?? 'user') === 'user' && (i.type ?? 'message') === 'message');
      const tools = body.tools as Array<{ type: string; name: string }> | undefined;
      const lastIsOutput = input.at(-1)?.type === 'function_call_output';
      const output: Array<Record<string, unknown>> =
        tools?.length && !lastIsOutput
          ? [{ id: id('fc'), type: 'function_call', status: 'completed', call_id: id('call'), name: tools[0]!.name, arguments: JSON.stringify({ q: lastUser ? textOf(lastUser) : '' }) }]
          : [
              {
                id: id('msg'),
                type: 'message',
                status: 'completed',
                role: 'assistant',
                content: [{ type: 'output_text', text: `echo: ${lastIsOutput ? String(input.at(-1)!.output) : lastUser ? textOf(lastUser) : ''} (turn ${turn})`, annotations: [], logprobs: [] }],
              },
            ];
      const usage = { input_tokens: 10 * turn, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10 * turn + 5 };
      const rid2 = id('resp');
      const response = {
        id: rid2, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'completed', completed_at: Math.floor(Date.now() / 1000),
        error: null, incomplete_details: null, instructions: body.instructions ?? null, max_output_tokens: body.max_output_tokens ?? null,
        model: `${body.model}-emu`, output, parallel_tool_calls: true, previous_response_id: prev ?? null, reasoning: { effort: null, summary: null },
        store: body.store ?? true, temperature: 1, text: { format: { type: 'text' } }, tool_choice: 'auto', tools: tools ?? [], top_p: 1,
        truncation: body.truncation ?? 'disabled', usage, user: null, metadata: body.metadata ?? {}, background: false,
        ...(convId ? { conversation: { id: convId } } : {}),
      };
      // the turn joins the conversation once it is complete
      if (conv) conv.items.push(...withIds(input), ...output);
      if (body.store !== false) store.set(rid2, { response, input: items, parent: prev ?? null });
      if (!body.stream) {
        sendJson(res, 200, response, { 'x-request-id': id('req') });
        return true;
      }
      const frames: string[] = [];
      let seq = 0;
      const ev = (type: string, data: Record<string, unknown>) => frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
      const pending = { ...response, status: 'in_progress', output: [], usage: null, completed_at: null };
      ev('response.created', { response: pending });
      ev('response.in_progress', { response: pending });
      output.forEach((item, oi) => {
        if (item.type === 'message') {
          const text = (item.content as Array<{ text: string }>)[0]!.text;
          ev('response.output_item.added', { output_index: oi, item: { ...item, status: 'in_progress', content: [] } });
          ev('response.content_part.added', { item_id: item.id, output_index: oi, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
          for (const piece of text.match(/\s*\S+/g) ?? []) ev('response.output_text.delta', { item_id: item.id, output_index: oi, content_index: 0, delta: piece, logprobs: [] });
          ev('response.output_text.done', { item_id: item.id, output_index: oi, content_index: 0, text, logprobs: [] });
          ev('response.content_part.done', { item_id: item.id, output_index: oi, content_index: 0, part: (item.content as unknown[])[0] });
        } else {
          ev('response.output_item.added', { output_index: oi, item: { ...item, status: 'in_progress', arguments: '' } });
          ev('response.function_call_arguments.delta', { item_id: item.id, output_index: oi, delta: item.arguments });
          ev('response.function_call_arguments.done', { item_id: item.id, output_index: oi, name: item.name, arguments: item.arguments });
        }
        ev('response.output_item.done', { output_index: oi, item });
      });
      ev('response.completed', { response });
      await writeSse(res, frames, fault);
      return true;
    }
    const stored = rid ? store.get(rid) : undefined;
    if (!stored) return void notFound(res, rid ?? ''), true;
    if (req.method === 'GET' && !sub) return void sendJson(res, 200, stored.response), true;
    if (req.method === 'DELETE' && !sub) {
      store.delete(rid!);
      sendJson(res, 200, { id: rid, object: 'response', deleted: true });
      return true;
    }
    if (req.method === 'GET' && sub === 'input_items') {
      const params = new URLSearchParams(query);
      const order = params.get('order') ?? 'desc';
      const list = order === 'asc' ? [...stored.input] : [...stored.input].reverse();
      sendJson(res, 200, { object: 'list', data: list, first_id: list[0]?.id ?? null, last_id: list.at(-1)?.id ?? null, has_more: false });
      return true;
    }
    if (req.method === 'POST' && sub === 'cancel') {
      sendJson(res, 400, { error: { message: 'Only background responses can be cancelled.', type: 'invalid_request_error', param: null, code: null } });
      return true;
    }
    return false;
  };
}

const convNotFound = (res: EmulatorExchange['res'], cid: string) =>
  sendJson(res, 404, { error: { message: `Conversation with id '${cid}' not found.`, type: 'invalid_request_error', param: null, code: null } });

/** Handles `/v1/conversations*`: create, retrieve, update, delete; items list, add, retrieve, delete. */
function conversationsRoutes(conversations: Map<string, EmulatedConversation>) {
  const present = (cid: string, c: EmulatedConversation) => ({ id: cid, object: 'conversation', created_at: c.created_at, metadata: c.metadata });
  return async (x: EmulatorExchange): Promise<boolean> => {
    const { req, res } = x;
    const [path, query = ''] = req.path.split('?');
    const m = /^\/v1\/conversations(?:\/([^/]+))?(?:\/items(?:\/([^/]+))?)?$/.exec(path!);
    if (!m) return false;
    const [, cid, itemId] = m;
    const isItems = path!.includes('/items');
    const body = (req.body ?? {}) as { items?: Array<Record<string, unknown>>; metadata?: Record<string, unknown> };
    if (!cid) {
      if (req.method !== 'POST') return false;
      if ((body.items?.length ?? 0) > 20) {
        sendJson(res, 400, { error: { message: "Invalid 'items': array too long. Expected an array with maximum length 20.", type: 'invalid_request_error', param: 'items', code: 'array_above_max_length' } });
        return true;
      }
      const newId = id('conv');
      const c = { created_at: Math.floor(Date.now() / 1000), metadata: body.metadata ?? {}, items: withIds(body.items ?? []) };
      conversations.set(newId, c);
      sendJson(res, 200, present(newId, c));
      return true;
    }
    const c = conversations.get(decodeURIComponent(cid));
    if (!c) return void convNotFound(res, decodeURIComponent(cid)), true;
    const key = decodeURIComponent(cid);
    if (!isItems) {
      if (req.method === 'GET') return void sendJson(res, 200, present(key, c)), true;
      if (req.method === 'POST') {
        c.metadata = body.metadata ?? {};
        return void sendJson(res, 200, present(key, c)), true;
      }
      if (req.method === 'DELETE') {
        conversations.delete(key);
        return void sendJson(res, 200, { id: key, object: 'conversation.deleted', deleted: true }), true;
      }
      return false;
    }
    if (itemId) {
      const i = c.items.findIndex((it) => it.id === decodeURIComponent(itemId));
      if (i < 0) {
        sendJson(res, 404, { error: { message: `Item with id '${decodeURIComponent(itemId)}' not found.`, type: 'invalid_request_error', param: null, code: null } });
        return true;
      }
      if (req.method === 'GET') return void sendJson(res, 200, c.items[i]), true;
      if (req.method === 'DELETE') {
        c.items.splice(i, 1);
        return void sendJson(res, 200, present(key, c)), true;
      }
      return false;
    }
    if (req.method === 'POST') {
      const added = withIds(body.items ?? []);
      c.items.push(...added);
      sendJson(res, 200, { object: 'list', data: added, first_id: added[0]?.id ?? null, last_id: added.at(-1)?.id ?? null, has_more: false });
      return true;
    }
    if (req.method !== 'GET') return false;
    const params = new URLSearchParams(query);
    const limit = Number(params.get('limit') ?? 20);
    const ordered = params.get('order') === 'asc' ? [...c.items] : [...c.items].reverse();
    const after = params.get('after');
    const start = after ? ordered.findIndex((it) => it.id === after) + 1 : 0;
    const data = ordered.slice(start, start + limit);
    sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < ordered.length });
    return true;
  };
}
