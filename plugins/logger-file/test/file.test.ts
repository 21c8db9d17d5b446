import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestGateway, mockProvider, sessionTracker } from '@switchyard/test-kit';
import fileLogger from '@switchyard/logger-file';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records parsed from the wire are walked freely
type Json = Record<string, any>;

const ask = (content: string) => ({ model: 'mock/echo', messages: [{ role: 'user' as const, content }] });
const readLines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Json);

describe('@switchyard/logger-file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sy-logger-file-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends one JSON line per call to <dataDir>/calls.jsonl and flushes on close', async () => {
    const t = await createTestGateway({ storePrompts: true, dataDir: dir, plugins: [mockProvider(), sessionTracker(), fileLogger()] });
    for (const word of ['one', 'two', 'three']) await t.client.chat.completions.create(ask(word), { headers: { 'x-session-id': 's-1' } });
    await t.close();
    const lines = await readLines(path.join(dir, 'calls.jsonl'));
    expect(lines.map((l) => l.response.choices[0].message.content)).toEqual(['one', 'two', 'three']);
    for (const l of lines) expect(l).toMatchObject({ model: 'mock/echo', provider: 'mock', status: 200, outcome: 'ok', sessionId: 's-1' });
    expect(new Set(lines.map((l) => l.id)).size).toBe(3);
  });

  it('redact: true keeps prompts and completions out of the file', async () => {
    const file = path.join(dir, 'nested', 'log.jsonl');
    const t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), fileLogger({ path: file, redact: true })] });
    await t.client.chat.completions.create(ask('classified words'));
    await t.close();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('classified');
    expect(JSON.parse(text.trim())).toMatchObject({ outputTokens: 2, status: 200 });
  });

  it('rotates by size and keeps at most maxFiles rotated files', async () => {
    const file = path.join(dir, 'calls.jsonl');
    const t = await createTestGateway({ plugins: [mockProvider(), sessionTracker(), fileLogger({ path: file, maxSize: '300B', maxFiles: 2, redact: true })] });
    for (let i = 0; i < 6; i++) {
      await t.client.chat.completions.create(ask(`call ${i}`));
      await t.gateway.flush(); // waits until the record is in the file: one record per write, so each rotation sees one line
    }
    await t.close();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['calls.jsonl', 'calls.jsonl.1', 'calls.jsonl.2']);
    // every record in the kept files is whole JSON, newest in calls.jsonl.1 (the live file is
    // empty after the last rotation or holds the last line)
    const kept = [...(await readLines(path.join(dir, 'calls.jsonl.2'))), ...(await readLines(path.join(dir, 'calls.jsonl.1'))), ...(await readLines(file))];
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(6);
    const times = kept.map((r) => Date.parse(r.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('keeps every record whole when 300 calls land at once (lines are batched into few writes)', async () => {
    const file = path.join(dir, 'calls.jsonl');
    const t = await createTestGateway({ storePrompts: true, plugins: [mockProvider(), sessionTracker(), fileLogger({ path: file })] });
    await Promise.all(Array.from({ length: 300 }, (_, i) => t.client.chat.completions.create(ask(`call ${i}`))));
    await t.close();
    const lines = await readLines(file);
    expect(lines).toHaveLength(300);
    expect(new Set(lines.map((l) => l.response.choices[0].message.content))).toEqual(new Set(Array.from({ length: 300 }, (_, i) => `call ${i}`)));
  });
});
