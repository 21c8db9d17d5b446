import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/core';
import { normalizeItem, normalizeItems } from '../src/items.js';
import { idKind } from '../src/ids.js';

const rejects = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a 400');
};

describe('conversation items', () => {
  it('normalises every kept type to its stored form, with ids', () => {
    expect(normalizeItem({ role: 'user', content: 'hi' }, 'items[0]')).toMatchObject({ id: expect.stringMatching(/^msg_/), type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }], status: 'completed' });
    expect(normalizeItem({ type: 'message', role: 'assistant', content: 'yo' }, 'items[0]')).toMatchObject({ content: [{ type: 'output_text', text: 'yo', annotations: [], logprobs: [] }] });
    expect(normalizeItem({ type: 'message', id: 'msg_mine', role: 'developer', content: [{ type: 'input_text', text: 'x' }] }, 'i').id).toBe('msg_mine');
    expect(normalizeItem({ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }, 'i')).toMatchObject({ id: expect.stringMatching(/^fc_/), status: 'completed' });
    expect(normalizeItem({ type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'r' }] }, 'i')).toMatchObject({ output: '[{"type":"input_text","text":"r"}]' });
    expect(normalizeItem({ type: 'reasoning' }, 'i')).toMatchObject({ id: expect.stringMatching(/^rs_/), summary: [] });
  });

  it('names the offending field with its place in the request', () => {
    expect(rejects(() => normalizeItem({ type: 'message', role: 'user', content: 5 }, 'items[2]')).param).toBe('items[2].content');
    expect(rejects(() => normalizeItem({ type: 'function_call', name: 'f', arguments: '{}' }, 'items[0]'))).toMatchObject({ param: 'items[0].call_id', publicCode: 'missing_required_parameter' });
    expect(rejects(() => normalizeItem({ type: 'teleport' }, 'items[1]'))).toMatchObject({ param: 'items[1].type', publicCode: 'invalid_value' });
    expect(rejects(() => normalizeItem({ type: 'item_reference', id: 'x' }, 'items[1]'))).toMatchObject({ param: 'items[1].type', publicCode: 'unsupported_value' });
    expect(rejects(() => normalizeItem('text', 'items[0]'))).toMatchObject({ param: 'items[0]', publicCode: 'invalid_type' });
    expect(rejects(() => normalizeItem({ role: 'user', content: 'x', id: '../etc' }, 'items[0]')).param).toBe('items[0].id');
  });

  it('takes 0–20 items where allowed, 1–20 to add', () => {
    const one = { role: 'user', content: 'x' };
    expect(normalizeItems(undefined, 'items', { allowEmpty: true })).toEqual([]);
    expect(normalizeItems(Array(20).fill(one), 'items')).toHaveLength(20);
    expect(rejects(() => normalizeItems(Array(21).fill(one), 'items'))).toMatchObject({ param: 'items', publicCode: 'array_above_max_length' });
    expect(rejects(() => normalizeItems([], 'items'))).toMatchObject({ publicCode: 'empty_array' });
    expect(rejects(() => normalizeItems(undefined, 'items'))).toMatchObject({ publicCode: 'missing_required_parameter' });
    expect(rejects(() => normalizeItems({}, 'items'))).toMatchObject({ publicCode: 'invalid_type' });
  });

  it('tells conversation ids from anything else', () => {
    expect(idKind('conv_0123abc')).toBe('own');
    expect(idKind('litellm_conv_id_4f9a8a3e-2b1c-4c55-9a0e-1f2e3d4c5b6a')).toBe('litellm');
    for (const bad of ['conv_', 'litellm_conv_id_', 'conv_a/b', 'resp_1', '', 'conv_' + 'a'.repeat(101)]) expect(idKind(bad)).toBeUndefined();
  });
});
