/**
 * Input normalisation: a string or input items become stored items, each with an id.
 */
import { GatewayError } from '@switchyard/core';
import { newId } from './ids.js';
import type { InputItem } from './schema.js';
import type { InputContent, Item } from './types.js';

function content(role: string, c: string | InputContent[]): InputContent[] {
  if (typeof c === 'string') return [role === 'assistant' ? { type: 'output_text', text: c, annotations: [] } : { type: 'input_text', text: c }];
  return c;
}

/**
 * Turns the request's `input` into items with ids (a string is one user message).
 *
 * @example
 * ```ts
 * normalizeInput('hi'); // [{ id: 'msg_…', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }]
 * ```
 */
export function normalizeInput(input: string | InputItem[] | undefined): Item[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ id: newId('msg'), type: 'message', role: 'user', content: [{ type: 'input_text', text: input }], status: 'completed' }];
  return input.map((item, i): Item => {
    if (!('type' in item) || item.type === undefined || item.type === 'message') {
      const m = item as Extract<InputItem, { role: string }>;
      return { id: m.id ?? newId('msg'), type: 'message', role: m.role, content: content(m.role, m.content as string | InputContent[]), status: 'completed' };
    }
    switch (item.type) {
      case 'function_call': {
        const f = item as Extract<InputItem, { type: 'function_call' }>;
        return { id: f.id ?? newId('fc'), type: 'function_call', call_id: f.call_id, name: f.name, arguments: f.arguments, status: 'completed' };
      }
      case 'function_call_output': {
        const o = item as Extract<InputItem, { type: 'function_call_output' }>;
        const output = typeof o.output === 'string' ? o.output : JSON.stringify(o.output);
        return { id: o.id ?? newId('fco'), type: 'function_call_output', call_id: o.call_id, output, status: 'completed' };
      }
      case 'reasoning':
        return { id: (item as { id?: string }).id ?? newId('rs'), type: 'reasoning', summary: [] };
      default:
        throw new GatewayError('GW_ERR_INVALID_REQUEST', `Input items of type '${item.type}' are not supported by this gateway.`, {
          param: `input[${i}].type`,
          publicCode: 'unsupported_value',
        });
    }
  });
}

/**
 * Items as an upstream accepts them as input: the gateway's ids and statuses removed,
 * reasoning items left out.
 *
 * @example
 * ```ts
 * upstream.input = [...upstreamItems(history), ...upstreamItems(input)];
 * ```
 */
export function upstreamItems(items: readonly Item[]): Array<Record<string, unknown>> {
  return items
    .filter((i) => i.type !== 'reasoning')
    .map((i) => {
      const { id: _id, status: _status, ...rest } = i as Item & { status?: string };
      return rest;
    });
}
