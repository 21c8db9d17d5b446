/**
 * Sessions end to end on the SQLite store (a real file in a temp data dir).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import sqliteStore from '@switchyard/store-sqlite';
import { sessionsSuite } from './sessions-suite.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

sessionsSuite('sqlite', async () => ({ storePlugin: () => sqliteStore({ file: path.join(dir, 'sessions.db') }) }));
