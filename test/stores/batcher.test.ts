/**
 * The write batcher on its own: group commit, retries of batches that failed for a passing
 * reason, isolation of a bad write, flush semantics.
 */
import { expect, it } from 'vitest';
import { createWriteBatcher, type AnyKysely } from '@switchyard/store';

const fakeDb = {} as AnyKysely;
const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

it('groups writes queued together into one transaction and commits later ones in the next', async () => {
  const batches: number[] = [];
  const committed: number[] = [];
  const writes = createWriteBatcher({
    async transaction(fn) {
      const before = committed.length;
      await fn(fakeDb);
      batches.push(committed.length - before);
    },
    onError: (e) => {
      throw e;
    },
  });
  for (let i = 0; i < 5; i++) writes.enqueue(async () => void committed.push(i));
  expect(writes.pending).toBe(5);
  await writes.flush();
  writes.enqueue(async () => void committed.push(5));
  await writes.flush();
  expect(committed).toEqual([0, 1, 2, 3, 4, 5]);
  expect(batches).toEqual([5, 1]);
  expect(writes.pending).toBe(0);
});

it('retries a batch that failed with a transient error, then commits it once', async () => {
  let attempts = 0;
  const errors: unknown[] = [];
  const writes = createWriteBatcher({
    async transaction(fn) {
      attempts++;
      await fn(fakeDb);
      if (attempts < 3) throw busy(); // the commit failed: rolled back, tried again
    },
    onError: (e) => errors.push(e),
  });
  let runs = 0;
  writes.enqueue(async () => void runs++);
  writes.enqueue(async () => void runs++);
  await writes.flush();
  expect(attempts).toBe(3);
  expect(runs).toBe(6); // each attempt re-ran both writes inside the transaction
  expect(errors).toEqual([]);
});

it('isolates a failing write: the others commit, the failure is reported once', async () => {
  const committed: string[] = [];
  const errors: unknown[] = [];
  const writes = createWriteBatcher({
    async transaction(fn) {
      const staged: string[] = [];
      const trx = { stage: (s: string) => staged.push(s) } as unknown as AnyKysely;
      await fn(trx);
      committed.push(...staged);
    },
    onError: (e) => errors.push(e),
  });
  const stage = (s: string) => async (trx: AnyKysely) => void (trx as unknown as { stage(s: string): void }).stage(s);
  writes.enqueue(stage('a'));
  writes.enqueue(async () => {
    throw new Error('bad row');
  });
  writes.enqueue(stage('c'));
  await writes.flush();
  expect(committed).toEqual(['a', 'c']);
  expect(errors.map((e) => (e as Error).message)).toEqual(['bad row']);
});

it('holds the next batch while beforeBatch is pending; writes keep queueing and commit together after', async () => {
  const batches: number[][] = [];
  let release!: () => void;
  let asked = 0;
  let holding: () => void = () => {};
  const held = new Promise<void>((resolve) => (holding = resolve));
  const writes = createWriteBatcher({
    async transaction(fn) {
      const rows: number[] = [];
      await fn({ rows } as unknown as AnyKysely);
      batches.push(rows);
    },
    beforeBatch() {
      asked++;
      if (asked !== 2) return undefined;
      holding();
      return new Promise<void>((resolve) => (release = resolve));
    },
    onError: (e) => {
      throw e;
    },
  });
  const push = (n: number) => writes.enqueue(async (trx) => void (trx as unknown as { rows: number[] }).rows.push(n));
  push(1);
  await writes.flush(); // batch 1 (asked = 1, not held)
  push(2);
  await held; // batch 2 is held (asked = 2)
  push(3);
  expect(batches).toEqual([[1]]);
  expect(writes.pending).toBe(2);
  release();
  await writes.flush();
  expect(batches).toEqual([[1], [2, 3]]);
});
