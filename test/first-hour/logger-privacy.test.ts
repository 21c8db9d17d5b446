/**
 * Issue 13, item 10: the console, file and webhook loggers follow `storePrompts` by default
 * (no prompts or answers in logs unless prompts are stored); `redact` still decides when set.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '@switchyard/core';
import consoleLogger from '@switchyard/logger-console';
import fileLogger from '@switchyard/logger-file';
import webhookLogger from '@switchyard/logger-webhook';
import mockProvider from '@switchyard/provider-mock';
import { createTestGateway, tempDbFile } from '@switchyard/test-kit';

type Rec = Record<string, unknown>;

// a key plugin would do this: prompts of calls with this header are stored, whatever the default
const perCallOptIn = definePlugin({
  name: 'test-store-prompts-per-call',
  apply: (g) =>
    g.hooks.preCall.tapPromise('test-store-prompts-per-call', async (_req, ctx) => {
      if (ctx.headers['x-store-prompts'] === 'yes') ctx.state.storePrompts = true;
      return undefined;
    }),
});

/** Runs two calls (the second opting in per call) through the three loggers; returns each logger's records. */
async function logged(config: { storePrompts?: boolean; redact?: boolean }) {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => {
      bodies.push(b);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const consoleOut = new PassThrough();
  let consoleText = '';
  consoleOut.on('data', (d: Buffer) => (consoleText += d.toString()));
  const file = path.join(path.dirname(tempDbFile()), 'calls.jsonl');
  const r = config.redact === undefined ? {} : { redact: config.redact };
  const t = await createTestGateway({
    ...(config.storePrompts === undefined ? {} : { storePrompts: config.storePrompts }),
    plugins: [
      mockProvider(),
      perCallOptIn,
      consoleLogger({ destination: consoleOut, pretty: false, ...r }),
      fileLogger({ path: file, ...r }),
      webhookLogger({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, flushIntervalMs: 600_000, ...r }),
    ],
  });
  await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'secret prompt' }] });
  await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'opted in' }] }, { headers: { 'x-store-prompts': 'yes' } });
  await t.close();
  server.close();
  const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Rec);
  return {
    console: lines(consoleText),
    file: lines(readFileSync(file, 'utf8')),
    webhook: bodies.flatMap((b) => JSON.parse(b) as Rec[]),
  };
}

const hasBodies = (records: Rec[]) => records.map((rec) => 'request' in rec && 'response' in rec);

describe('logger privacy', () => {
  it('by default (storePrompts off) no logger writes prompts or answers; a call whose prompts are stored is logged whole', async () => {
    const out = await logged({});
    for (const [name, records] of Object.entries(out)) {
      expect(records, name).toHaveLength(2);
      expect(hasBodies(records), name).toEqual([false, true]);
      expect(JSON.stringify(records[0]), name).not.toContain('secret prompt');
      expect(records[0], name).toMatchObject({ model: 'mock/echo', status: 200, inputTokens: expect.any(Number) });
    }
  });

  it('with storePrompts: true the loggers write the bodies', async () => {
    const out = await logged({ storePrompts: true });
    for (const [name, records] of Object.entries(out)) expect(hasBodies(records), name).toEqual([true, true]);
  });

  it('redact: true still forces bodies out, and redact: false keeps them, whatever storePrompts says', async () => {
    for (const [name, records] of Object.entries(await logged({ storePrompts: true, redact: true }))) expect(hasBodies(records), name).toEqual([false, false]);
    for (const [name, records] of Object.entries(await logged({ redact: false }))) expect(hasBodies(records), name).toEqual([true, true]);
  });
});
