/**
 * The store contract on SQLite: a real temp file, opened by @switchyard/store-sqlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGateway, memoryDiagnostics } from '@switchyard/core';
import sqliteStore from '@switchyard/store-sqlite';
import Database from 'better-sqlite3';
import { storeContract } from './contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-store-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', async () => ({
  async open() {
    const gateway = await createGateway({ dataDir: dir, plugins: [sqliteStore()] }, { diagnostics: memoryDiagnostics() });
    return { gateway, store: gateway.services.store!, close: () => gateway.close() };
  },
}));

it('sqlite: one file under dataDir, in WAL mode with synchronous=NORMAL', async () => {
  const gateway = await createGateway({ dataDir: dir, plugins: [sqliteStore()] }, { diagnostics: memoryDiagnostics() });
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
