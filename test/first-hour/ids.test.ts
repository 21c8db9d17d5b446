/**
 * Issue 13, item 9: every id the gateway mints is unique across restarts and processes (mock
 * chat ids used to restart at `chatcmpl-mock1`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sessionTracker from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, killClis, startCli, tempDbFile } from '@switchyard/test-kit';

afterEach(killClis);

const tool = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };

/** The ids one gateway run mints for a few calls of each kind. */
async function idsOf(client: OpenAI): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { data, response } = await client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    ids.push(data.id, response.headers.get('x-request-id')!);
    const stream = await client.chat.completions.create({ model: 'mock/lorem', stream: true, max_tokens: 3, messages: [{ role: 'user', content: 'x' }] });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.role) ids.push(chunk.id);
    const called = await client.chat.completions.create({ model: 'mock/tool', tools: [tool], messages: [{ role: 'user', content: 'q' }] });
    ids.push(called.choices[0]!.message.tool_calls![0]!.id);
  }
  return ids;
}

describe('ids the gateway mints', () => {
  it('chat, stream, tool-call and request ids never repeat across a restart of the CLI on the same data', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-ids-'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    writeFileSync(path.join(dir, '.switchyardrc.yaml'), 'models: []\n');
    const all: string[] = [];
    for (let run = 0; run < 2; run++) {
      const cli = startCli(['--port', '0'], dir);
      const client = new OpenAI({ apiKey: 'x', baseURL: `${await cli.url}/v1`, maxRetries: 0 });
      all.push(...(await idsOf(client)));
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    }
    expect(all).toHaveLength(2 * 3 * 4);
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => id.startsWith('chatcmpl-'))).toHaveLength(12);
  });

  it('Responses, item and call-log ids never repeat across two gateways on one database', async () => {
    const file = tempDbFile();
    const seen: string[] = [];
    for (let run = 0; run < 2; run++) {
      const t = await createTestGateway({ plugins: [sqliteStore({ file }), sessionTracker(), responses(), mockProvider()] });
      for (let i = 0; i < 3; i++) {
        const r = await t.client.responses.create({ model: 'mock/echo', input: 'hi' });
        seen.push(r.id, ...r.output.map((o) => o.id!));
      }
      await t.close();
    }
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file, { readonly: true });
    const callIds = (db.prepare('select id from sy_calls').all() as Array<{ id: string }>).map((r) => r.id);
    db.close();
    expect(callIds).toHaveLength(6);
    seen.push(...callIds);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
