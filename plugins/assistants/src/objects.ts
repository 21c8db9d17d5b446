/**
 * Builds the API objects from checked requests: message content in the API's part shapes,
 * and the checks a native run needs (tools a chat model can run, content it can read).
 */
import { invalid } from './errors.js';
import { newId, nowSec } from './ids.js';
import type { CreateMessage, ToolSpec } from './schema.js';
import type { MessageContent, MessageObject } from './types.js';

/**
 * Message content as the API stores it: a string becomes one text part.
 *
 * @example
 * ```ts
 * messageContent('hi'); // [{ type: 'text', text: { value: 'hi', annotations: [] } }]
 * ```
 */
export function messageContent(content: CreateMessage['content']): MessageContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: { value: content, annotations: [] } }];
  return content.map((p): MessageContent => {
    if (p.type === 'text') return { type: 'text', text: { value: p.text, annotations: [] } };
    if (p.type === 'image_url') return { type: 'image_url', image_url: { url: p.image_url.url, detail: p.image_url.detail ?? 'auto' } };
    return { type: 'image_file', image_file: { file_id: p.image_file.file_id, detail: p.image_file.detail ?? 'auto' } };
  });
}

/**
 * Refuses what a native run cannot give a chat model: file attachments and `image_file`
 * parts (the gateway serves no Files API for them to name).
 *
 * @example
 * ```ts
 * checkNativeMessage(body, 'additional_messages[0]');
 * ```
 */
export function checkNativeMessage(m: CreateMessage, prefix = ''): void {
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  if (m.attachments && m.attachments.length > 0) {
    throw invalid('Message attachments need file_search or code_interpreter, which native runs on this gateway do not have (configure assistants pass-through to OpenAI or Azure for them).', at('attachments'), 'unsupported_parameter');
  }
  if (Array.isArray(m.content)) {
    m.content.forEach((p, i) => {
      if (p.type === 'image_file') {
        throw invalid("Content of type 'image_file' needs the Files API, which this gateway does not serve for assistants; send the image as 'image_url' instead.", at(`content[${i}].image_file`), 'unsupported_parameter');
      }
    });
  }
}

/**
 * A new thread message.
 *
 * @example
 * ```ts
 * const m = newMessage(thread.id, { role: 'user', content: 'hi' });
 * ```
 */
export function newMessage(threadId: string, m: CreateMessage, createdAt = nowSec()): MessageObject {
  return {
    id: newId('message'),
    object: 'thread.message',
    created_at: createdAt,
    assistant_id: null,
    thread_id: threadId,
    run_id: null,
    role: m.role,
    content: messageContent(m.content),
    attachments: (m.attachments ?? []) as Array<Record<string, unknown>>,
    metadata: m.metadata ?? {},
    status: 'completed',
    incomplete_details: null,
    completed_at: createdAt,
    incomplete_at: null,
  };
}

/**
 * Refuses tools a native run cannot execute, naming the tool and the model (a chat model
 * runs function tools; `code_interpreter` and `file_search` need OpenAI's hosted tools).
 *
 * @example
 * ```ts
 * checkNativeTools(body.tools, body.model, 'tools');
 * ```
 */
export function checkNativeTools(tools: readonly ToolSpec[] | null | undefined, model: string, param: string): void {
  (tools ?? []).forEach((t, i) => {
    if (t.type === 'function') return;
    throw invalid(
      `The tool '${t.type}' is not supported on model '${model}': runs on this gateway execute function tools only (${t.type} needs the OpenAI Assistants API: configure @switchyard/assistants pass-through to OpenAI or Azure).`,
      `${param}[${i}]`,
      'unsupported_tool',
    );
  });
}

/**
 * Refuses tool resources on a native assistant or thread (they name files for the tools
 * native runs do not have); an empty object is fine.
 *
 * @example
 * ```ts
 * checkNativeToolResources(body.tool_resources, 'tool_resources');
 * ```
 */
export function checkNativeToolResources(resources: Record<string, unknown> | null | undefined, param: string): void {
  if (!resources) return;
  for (const [k, v] of Object.entries(resources)) {
    const ids = v && typeof v === 'object' ? Object.values(v as Record<string, unknown>).flatMap((x) => (Array.isArray(x) ? x : [])) : [];
    if (ids.length > 0) {
      throw invalid(`Tool resources for '${k}' need the ${k} tool, which native runs on this gateway do not have (configure assistants pass-through to OpenAI or Azure for it).`, `${param}.${k}`, 'unsupported_parameter');
    }
  }
}
