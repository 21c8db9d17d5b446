/**
 * The store contract on SQLite: a real temp file, opened by @switchyard/store-sqlite.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createCallContext, createGateway, memoryDiagnostics } from '@switchyard/core';
import sessionTracker, { callRowOf, writeCall } from '@switchyard/session-tracker';
import sqliteStore from '@switchyard/store-sqlite';
import Database from 'better-sqlite3';
import { storeContract } from '@switchyard/test-kit';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-store-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', async () => ({
  async open() {
    const gateway = await createGateway({ dataDir: dir, plugins: [sqliteStore()] }, { diagnostics: memoryDiagnostics() });
    return { gateway, store: gateway.services.store!, close: () => gateway.close() };
  },
}));

it('sqlite: one file under dataDir, in WAL mode with synchronous=NORMAL', async () => {
  const gateway = await createGateway({ dataDir: dir, plugins: [sqliteStore(), sessionTracker()] }, { diagnostics: memoryDiagnostics() });
  await gateway.close();
  const db = new Database(path.join(dir, 'switchyard.db'), { readonly: true });
  try {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name like 'sy_%' order by name").all() as Array<{ name: string }>;
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['sy_calls', 'sy_migrations', 'sy_sessions']));
  } finally {
    db.close();
  }
});

it('sqlite: three processes starting together on one file migrate once and lose no write', { timeout: 120_000 }, async () => {
  const file = path.join(dir, 'multi-process.db');
  const script = fileURLToPath(new URL('./fixtures/sqlite-process.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const run = (tag: string) =>
    new Promise<{ migrated: string[]; errors: string[] }>((resolve, reject) => {
      execFile(process.execPath, ['--import', tsx, '--conditions=@switchyard/source', script, file, tag, '300'], { cwd: dir }, (err, stdout, stderr) =>
        err ? reject(new Error(`${tag}: ${stderr || err.message}`)) : resolve(JSON.parse(stdout) as { migrated: string[]; errors: string[] }),
      );
    });
  const results = await Promise.all(['p1', 'p2', 'p3'].map(run));
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  expect(results.filter((r) => r.migrated.length > 0).map((r) => r.migrated)).toEqual([['001_table', '002_row']]);
  const db = new Database(file, { readonly: true });
  try {
    const ids = (db.prepare('select id from multi').all() as Array<{ id: string }>).map((r) => r.id);
    expect(ids.filter((id) => id.startsWith('migrated-by-')).length).toBe(1);
    for (const tag of ['p1', 'p2', 'p3']) {
      expect(ids.filter((id) => id.startsWith(`${tag}-batched-`)).length).toBe(300);
      expect(ids.filter((id) => id.startsWith(`${tag}-tx-`)).length).toBe(20);
    }
  } finally {
    db.close();
  }
});

it("the session tracker's retentionDays prunes old calls at start", async () => {
  const file = 'retention.db';
  const first = await createGateway({ dataDir: dir, plugins: [sqliteStore({ file }), sessionTracker()] }, { diagnostics: memoryDiagnostics() });
  const row = (startedAt: number) => ({
    ...callRowOf({ ctx: createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions' }), request: undefined, outcome: 'ok' as const, status: 200 }, false),
    started_at: startedAt,
  });
  await first.services.store!.transaction(async (trx) => {
    await writeCall(trx, row(Date.now() - 40 * 86_400_000));
    await writeCall(trx, row(Date.now()));
  });
  await first.close();
  const second = await createGateway({ dataDir: dir, plugins: [sqliteStore({ file }), sessionTracker({ retentionDays: 30 })] }, { diagnostics: memoryDiagnostics() });
  const left = await second.services.store!.db.selectFrom('sy_calls').select('id').execute();
  await second.close();
  expect(left.length).toBe(1);
});
