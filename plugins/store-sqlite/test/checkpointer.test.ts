import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../src/checkpointer.js';
import { acquireSqlite } from '../src/connections.js';

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
    let onError: (() => void) | undefined;
    const cp = startCheckpointer(db, {
      file,
      busyTimeoutMs: 1000,
      intervalMs,
      onError: (e) => {
        errors.push(e);
        onError?.();
      },
    });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    const nextError = () => new Promise<void>((resolve) => (onError = resolve));
    return { file, db, errors, cp, nextError };
  }

  it('takes checkpoints out of commits, between batches, and keeps the WAL from growing while writes go on', async () => {
    // interval 0: a checkpoint is due before every batch, so the run does not depend on the clock
    const { file, db, errors, cp } = withCheckpointer('a.db', 0);
    const insert = db.prepare('insert into t (v) values (?)');
    const pad = 'x'.repeat(2000);
    // commits of 10 rows, as the gateway's write batches under load, each asking the
    // checkpointer first (as the batcher does); a checkpoint running beside the commits would
    // never catch up with the end of the WAL, and SQLite would never start it over
    const batch = db.transaction(() => {
      for (let i = 0; i < 10; i++) insert.run(pad);
    });
    const commits = 200;
    let held = 0;
    for (let i = 0; i < commits; i++) {
      const hold = cp.due();
      if (hold) {
        held++;
        await hold;
      }
      batch();
    }
    const r = await cp.checkpoint('PASSIVE');
    expect(held).toBe(commits);
    // each commit adds ~6 frames: without restarts the WAL would hold all 1,200
    expect(r.log).toBeLessThan(20);
    expect(statSync(`${file}-wal`).size).toBeLessThan(20 * 4200);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: commits * 10 });
    await cp.stop();
    expect(errors).toEqual([]);
    db.close();
  });

  it('runs at most one checkpoint per interval, and one at a time', async () => {
    const { db, errors, cp } = withCheckpointer('d.db', 600_000);
    expect(cp.due()).toBeUndefined(); // started just now: not due for ten minutes
    const quick = withCheckpointer('e.db', 0);
    const first = quick.cp.due();
    expect(first).toBeDefined();
    expect(quick.cp.due()).toBe(first); // the running checkpoint, not a second one
    await first;
    await Promise.all([cp.stop(), quick.cp.stop()]);
    expect([...errors, ...quick.errors]).toEqual([]);
    db.close();
    quick.db.close();
  });

  it('gives checkpoints back to SQLite if the worker is lost, and says so', async () => {
    const { db, errors, cp, nextError } = withCheckpointer('b.db', 1000);
    const reported = nextError();
    await cp.worker.terminate();
    await reported;
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
