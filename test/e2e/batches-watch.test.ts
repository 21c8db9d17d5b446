/**
 * `switchyard batches watch <id>` follows a batch on a running gateway: a progress bar of
 * lines done while it runs, then one line with the final status and counts; exit 0 when it
 * completed, 1 when it failed (with the bad lines listed), 1 for an unknown batch.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { batches, createTestGateway, killClis, openaiProvider, sqliteStore, startCli, startOpenAIEmulator, tempDbFile, type OpenAIEmulator, type TestGateway } from '@switchyard/test-kit';

let t: TestGateway;
let emu: OpenAIEmulator;
const dir = mkdtempSync(path.join(tmpdir(), 'sy-watch-'));
beforeAll(async () => {
  emu = await startOpenAIEmulator({ latencyMs: 30 });
  t = await createTestGateway({
    plugins: [sqliteStore({ file: tempDbFile() }), batches({ concurrency: 2, pollMs: 50, mode: 'gateway' }), openaiProvider()],
    models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }],
  });
});
afterAll(async () => {
  await t.close();
  await emu.close();
});
afterEach(killClis);

const line = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o', messages: [{ role: 'user', content: id }] }, ...extra });
async function create(lines: string[]): Promise<string> {
  const f = await t.client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'in.jsonl'), purpose: 'batch' });
  return (await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id;
}

it('draws progress until the batch completes, then prints its counts and exits 0', { timeout: 60_000 }, async () => {
  // enough lines (~2 s at the emulator's pace) for the CLI to start while they run
  const id = await create(Array.from({ length: 150 }, (_, i) => line(`w${i}`)));
  const cli = startCli(['batches', 'watch', id, '--url', t.origin, '--interval', '50'], dir);
  expect(await cli.exited).toBe(0);
  expect(cli.output()).toContain(`${id}: completed (150 completed, 0 failed of 150)`);
  expect(cli.errors()).toMatch(/\/150 lines \| (validating|in_progress|finalizing|completed)/);
  // the gateway's estimated_completion_at, drawn while lines were running
  expect(cli.errors()).toMatch(/\/150 lines \| in_progress \| \d+ failed \| ETA \S+ \(ends \d\d:\d\d:\d\dZ\)/);
});

it('exits 1 for a failed batch, listing its bad lines, and for an unknown batch', { timeout: 60_000 }, async () => {
  const id = await create([line('a'), line('b', { method: 'GET' })]);
  const cli = startCli(['batches', 'watch', id, '--url', t.origin, '--interval', '50'], dir);
  expect(await cli.exited).toBe(1);
  expect(cli.output()).toContain(`${id}: failed`);
  expect(cli.output()).toContain("Line 2: 'method' must be 'POST'");
  const unknown = startCli(['batches', 'watch', 'batch_nope', '--url', t.origin], dir);
  expect(await unknown.exited).toBe(1);
  expect(unknown.errors()).toContain('404');
});
