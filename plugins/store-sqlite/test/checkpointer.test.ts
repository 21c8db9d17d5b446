import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../src/checkpointer.js';
import { acquireSqlite } from '../src/connections.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WAL checkpoints in a worker thread', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sy-checkpoint-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function openDb(file: string) {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('journal_size_limit = 1048576');
    db.exec('create table t (id integer primary key, v text)');
    return db;
  }

  /** A WAL database with a checkpointer on it; in-commit checkpoints are then the safety net only. */
  function withCheckpointer(name: string, intervalMs: number) {
    const file = path.join(dir, name);
    const db = openDb(file);
    const errors: Error[] = [];
    const cp = startCheckpointer(db, { file, busyTimeoutMs: 1000, intervalMs, onError: (e) => errors.push(e) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    return { file, db, errors, cp };
  }

  it('takes checkpoints out of commits, between batches, and keeps the WAL from growing while writes go on', async () => {
    const { file, db, errors, cp } = withCheckpointer('a.db', 20);
    const insert = db.prepare('insert into t (v) values (?)');
    const pad = 'x'.repeat(2000);
    // a commit of 10 rows every millisecond or so, as the gateway's write batches under load,
    // each asking the checkpointer first (as the batcher does); a checkpoint running beside
    // the commits would never catch up with the end of the WAL, and SQLite would never start
    // it over
    const batch = db.transaction(() => {
      for (let i = 0; i < 10; i++) insert.run(pad);
    });
    let commits = 0;
    const until = Date.now() + 800;
    let held = 0;
    while (Date.now() < until) {
      const hold = cp.due();
      if (hold) {
        held++;
        await hold;
      }
      batch();
      commits++;
      await sleep(1);
    }
    const r = await cp.checkpoint('PASSIVE');
    // each commit adds several frames: without restarts the WAL would hold them all
    expect(commits).toBeGreaterThan(50);
    expect(held).toBeGreaterThan(5);
    expect(r.log).toBeLessThan(commits * 2);
    expect(statSync(`${file}-wal`).size).toBeLessThan(commits * 2 * 4200);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: commits * 10 });
    await cp.stop();
    expect(errors).toEqual([]);
    db.close();
  });

  it('gives checkpoints back to SQLite if the worker is lost, and says so', async () => {
    const { db, errors, cp } = withCheckpointer('b.db', 1000);
    await cp.worker.terminate();
    await sleep(10);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('checkpoint worker stopped')]);
    expect(cp.due()).toBeUndefined();
    db.close();
  });

  it('the store connection checkpoints in a worker and stops it on release; :memory: has none', async () => {
    const handle = acquireSqlite(path.join(dir, 'c.db'), 1000);
    expect(handle.checkpointer).toBeDefined();
    expect(await handle.checkpointer!.checkpoint()).toMatchObject({ busy: 0 });
    await handle.release();
    await expect(handle.checkpointer!.checkpoint()).rejects.toThrow('stopped');
    const mem = acquireSqlite(':memory:', 1000);
    expect(mem.checkpointer).toBeUndefined();
    await mem.release();
  });
});
