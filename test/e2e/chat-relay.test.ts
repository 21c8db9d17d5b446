/**
 * A non-streamed chat answer no hook changes goes to the client as the upstream's own bytes
 * (only `model` spliced in when the client asked for another name); a postCall hook that
 * changes the answer is always seen. Real HTTP both ways, the openai SDK as the client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, type ChatCompletion } from '@switchyard/core';
import openaiProvider from '@switchyard/provider-openai';
import { createTestGateway } from '@switchyard/test-kit';

// spacing, key order, an escape and a field the gateway does not know: what re-serialising would change
const ANSWER = (model: string) =>
  `{ "id": "chatcmpl-relay", "object": "chat.completion", "created": 1700000000, "model": ${JSON.stringify(model)},\n` +
  `  "choices": [ { "index": 0, "message": { "role": "assistant", "content": "caf\\u00e9 \\"bytes\\"", "refusal": null },\n` +
  `  "logprobs": null, "finish_reason": "stop" } ],\n  "usage": { "prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5 },\n  "x_vendor": { "kept": true } }`;

let upstream: http.Server;
let base = '';

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const model = (JSON.parse(body) as { model: string }).model;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER(model));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const models = () => [
  { name: 'same', provider: 'openai', model: 'same', apiBase: base, apiKey: 'k' },
  { name: 'alias', provider: 'openai', model: 'upstream-name', apiBase: base, apiKey: 'k' },
];

async function raw(url: string, model: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, text: await res.text() };
}

describe('non-streamed chat answers are relayed as bytes', () => {
  it('the upstream text reaches the client unchanged when the names agree, with model spliced when they differ; the SDK reads both', async () => {
    const t = await createTestGateway({ plugins: [openaiProvider()], models: models() });
    try {
      const same = await raw(t.url, 'same');
      expect(same.status).toBe(200);
      expect(same.text).toBe(ANSWER('same'));
      const alias = await raw(t.url, 'alias');
      expect(alias.text).toBe(ANSWER('alias')); // the client's name where the upstream's was, nothing else moved
      const r = await t.client.chat.completions.create({ model: 'alias', messages: [{ role: 'user', content: 'hi' }] });
      expect(r.model).toBe('alias');
      expect(r.choices[0]!.message.content).toBe('café "bytes"');
      expect((r as unknown as { x_vendor: unknown }).x_vendor).toEqual({ kept: true });
    } finally {
      await t.close();
    }
  });

  it('a postCall hook that changes the answer (in place or by a new object) is what the client gets', async () => {
    const edit = definePlugin({
      name: 'edit',
      apply: (g) =>
        g.hooks.postCall.tapPromise('edit', async (res, req) => {
          const c = res as ChatCompletion;
          if (req.model === 'same') {
            c.choices[0]!.message.content = 'changed in place';
            return c;
          }
          return { ...c, choices: [{ ...c.choices[0]!, message: { ...c.choices[0]!.message, content: 'a new object' } }] };
        }),
    });
    const t = await createTestGateway({ plugins: [openaiProvider(), edit], models: models() });
    try {
      const inPlace = await t.client.chat.completions.create({ model: 'same', messages: [{ role: 'user', content: 'hi' }] });
      expect(inPlace.choices[0]!.message.content).toBe('changed in place');
      const replaced = await t.client.chat.completions.create({ model: 'alias', messages: [{ role: 'user', content: 'hi' }] });
      expect(replaced.choices[0]!.message.content).toBe('a new object');
      expect(replaced.model).toBe('alias');
      expect((await raw(t.url, 'same')).text).not.toBe(ANSWER('same'));
    } finally {
      await t.close();
    }
  });
});
