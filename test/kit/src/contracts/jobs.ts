/**
 * The job runner's contract suite (`store.jobs`): the same tests against every store plugin,
 * each store opened by its real plugin inside a real gateway. Lease expiry is driven by a
 * fake clock (a second queue over the same tables with `now` of the test's own), never by
 * waiting; workers are awaited on the events they signal.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { GatewayError } from '@switchyard/core';
import { createJobQueue, JobFailure, JobInterruptedError, JOBS_TABLE, type JobQueueHandle, type RunningJob, type Store } from '@switchyard/store';
import type { OpenedStore, StoreTarget } from './store.js';

let seq = 0;
const kindOf = (p: string) => `test.${p}.${process.pid}.${++seq}`;

/** A queue over `store`'s tables whose clock the test moves. */
function fakeClock(store: Store, start = Date.now()) {
  const clock = { t: start };
  const jobs = createJobQueue(store, { now: () => clock.t, migrated: true });
  return { clock, jobs };
}

/** A promise and its resolver. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Registers the job contract tests for one store implementation.
 *
 * @example
 * ```ts
 * jobsContract('sqlite', async () => ({ open: () => openSqlite(file) }));
 * ```
 */
export function jobsContract(name: string, target: () => Promise<StoreTarget>): void {
  describe(`jobs contract: ${name}`, () => {
    const opened: OpenedStore[] = [];
    const queues: JobQueueHandle[] = [];
    let t: StoreTarget | undefined;
    const open = async () => {
      t ??= await target();
      const o = await t.open();
      opened.push(o);
      return o;
    };
    const clocked = (store: Store, start?: number) => {
      const c = fakeClock(store, start);
      queues.push(c.jobs);
      return c;
    };
    afterAll(async () => {
      for (const q of queues) await q.close();
      for (const o of opened) await o.close().catch(() => undefined);
    });

    it('enqueues a job once per (kind, key) and reads it back', async () => {
      const { store } = await open();
      const kind = kindOf('enqueue');
      const a = await store.jobs.enqueue(kind, { n: 1, text: 'héllo' }, { key: 'k1', maxAttempts: 3, priority: 2 });
      expect(a).toMatchObject({ kind, key: 'k1', state: 'queued', payload: { n: 1, text: 'héllo' }, attempts: 0, maxAttempts: 3, priority: 2, created: true });
      expect(a.id).toMatch(/^job_[0-9a-f]{32}$/);
      const again = await store.jobs.enqueue(kind, { n: 2 }, { key: 'k1' });
      expect(again).toMatchObject({ id: a.id, payload: { n: 1, text: 'héllo' }, created: false });
      expect((await store.jobs.find(kind, 'k1'))?.id).toBe(a.id);
      expect((await store.jobs.get(a.id))?.state).toBe('queued');
      // no key: every enqueue is a new job; the same key under another kind is another job
      const b = await store.jobs.enqueue(kind, null);
      const c = await store.jobs.enqueue(kind, null);
      expect(b.id).not.toBe(c.id);
      expect((await store.jobs.enqueue(`${kind}.other`, {}, { key: 'k1' })).created).toBe(true);
      expect(await store.jobs.get('job_missing')).toBeUndefined();
    });

    it('refuses bad input with a coded error naming the field', async () => {
      const { store } = await open();
      const bad = [
        () => store.jobs.enqueue('', {}),
        () => store.jobs.enqueue('x'.repeat(101), {}),
        () => store.jobs.enqueue(kindOf('bad'), {}, { key: '' }),
        () => store.jobs.enqueue(kindOf('bad'), {}, { maxAttempts: 0 }),
        () => store.jobs.enqueue(kindOf('bad'), {}, { priority: 1.5 }),
      ];
      const params = [];
      for (const call of bad) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GatewayError);
        params.push((err as GatewayError).param);
      }
      expect(params).toEqual(['kind', 'kind', 'key', 'maxAttempts', 'priority']);
      expect(() => store.jobs.work(kindOf('bad'), async () => undefined, { concurrency: 0 })).toThrow(GatewayError);
    });

    it('enqueues inside a transaction: committed with it, or not at all', async () => {
      const { store } = await open();
      const kind = kindOf('trx');
      await expect(
        store.transaction(async (trx) => {
          await store.jobs.enqueue(kind, {}, { key: 'rolled-back', trx });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.jobs.find(kind, 'rolled-back')).toBeUndefined();
      await store.transaction((trx) => store.jobs.enqueue(kind, {}, { key: 'kept', trx }));
      expect((await store.jobs.find(kind, 'kept'))?.state).toBe('queued');
    });

    it('claims under a lease: one holder at a time, taken over once the lease runs out, the old holder fenced off', async () => {
      const { store } = await open();
      const { clock, jobs } = clocked(store);
      const kind = kindOf('lease');
      const { id } = await jobs.enqueue(kind, { v: 1 });
      const [first] = await jobs.claim(kind, { leaseMs: 10_000, worker: 'w1' });
      expect(first).toMatchObject({ id, state: 'running', attempts: 1, worker: 'w1', runAt: clock.t + 10_000 });
      expect(first!.token).toMatch(/^[0-9a-f]{32}$/);
      expect(await jobs.claim(kind, { leaseMs: 10_000, worker: 'w2' })).toEqual([]);
      clock.t += 5_000;
      expect(await jobs.heartbeat(first!, 10_000)).toBe('ok'); // the lease now ends at +15 s
      clock.t += 9_999;
      expect(await jobs.claim(kind, { leaseMs: 10_000, worker: 'w2' })).toEqual([]);
      clock.t += 2;
      const [second] = await jobs.claim(kind, { leaseMs: 10_000, worker: 'w2' });
      expect(second).toMatchObject({ id, attempts: 2, worker: 'w2' });
      // the first holder's writes change nothing now
      expect(await jobs.heartbeat(first!, 10_000)).toBe('lost');
      expect(await jobs.finish(first!, 'from w1')).toBe(false);
      await expect(jobs.checkpoint(first!, { step: 9 })).rejects.toMatchObject({ name: 'JobInterruptedError', reason: 'lost' });
      expect(await jobs.fail(first!, new Error('late'))).toBe('lost');
      expect(await jobs.release(first!)).toBe(false);
      expect(await jobs.finish(second!, 'from w2')).toBe(true);
      expect(await jobs.get(id)).toMatchObject({ state: 'done', result: 'from w2', attempts: 2, error: null });
      expect(await jobs.finish(second!, 'twice')).toBe(false);
    });

    it('claims due jobs by priority, then age; a delayed job waits for its time', async () => {
      const { store } = await open();
      const { clock, jobs } = clocked(store);
      const kind = kindOf('order');
      const low = await jobs.enqueue(kind, 'low');
      clock.t += 1;
      const high = await jobs.enqueue(kind, 'high', { priority: 5 });
      const later = await jobs.enqueue(kind, 'later', { delayMs: 60_000, priority: 9 });
      clock.t += 1;
      const low2 = await jobs.enqueue(kind, 'low2');
      const claimed = await jobs.claim(kind, { leaseMs: 1000, worker: 'w', limit: 10 });
      expect(claimed.map((j) => j.id)).toEqual([high.id, low.id, low2.id]);
      clock.t += 60_000;
      expect((await jobs.claim(kind, { leaseMs: 1000, worker: 'w', limit: 10 })).map((j) => j.id)).toContain(later.id);
    });

    it('retries a failed attempt after a doubling backoff, keeps the error, fails for good after maxAttempts', async () => {
      const { store } = await open();
      const { clock, jobs } = clocked(store);
      const kind = kindOf('retry');
      const { id } = await jobs.enqueue(kind, {}, { maxAttempts: 3, backoffMs: 1000 });
      const claimAt = async () => (await jobs.claim(kind, { leaseMs: 60_000, worker: 'w' }))[0];
      const a1 = (await claimAt())!;
      expect(await jobs.fail(a1, new GatewayError('GW_ERR_PROVIDER_UPSTREAM', 'upstream 502', { publicCode: 'upstream_error' }))).toBe('retrying');
      expect(await jobs.get(id)).toMatchObject({ state: 'queued', attempts: 1, runAt: clock.t + 1000, error: { message: 'upstream 502', code: 'upstream_error' } });
      clock.t += 999;
      expect(await claimAt()).toBeUndefined();
      clock.t += 1;
      const a2 = (await claimAt())!;
      expect(await jobs.fail(a2, new Error('again'))).toBe('retrying');
      expect((await jobs.get(id))!.runAt).toBe(clock.t + 2000);
      clock.t += 2000;
      const a3 = (await claimAt())!;
      expect(a3.attempts).toBe(3);
      expect(await jobs.fail(a3, new Error('last'))).toBe('failed');
      expect(await jobs.get(id)).toMatchObject({ state: 'failed', attempts: 3, error: { message: 'last' } });
      expect((await jobs.get(id))!.finishedAt).toBe(clock.t);
      clock.t += 3_600_000;
      expect(await claimAt()).toBeUndefined();
    });

    it('a released job goes back without counting the attempt; a job whose worker died on its last attempt fails', async () => {
      const { store } = await open();
      const { clock, jobs } = clocked(store);
      const kind = kindOf('release');
      const { id } = await jobs.enqueue(kind, {}, { maxAttempts: 2 });
      const a = (await jobs.claim(kind, { leaseMs: 1000, worker: 'w' }))[0]!;
      expect(await jobs.release(a, 500)).toBe(true);
      expect(await jobs.get(id)).toMatchObject({ state: 'queued', attempts: 0, runAt: clock.t + 500 });
      clock.t += 500;
      const b = (await jobs.claim(kind, { leaseMs: 1000, worker: 'w' }))[0]!;
      expect(b.attempts).toBe(1);
      clock.t += 1001; // died: lease ran out
      const c = (await jobs.claim(kind, { leaseMs: 1000, worker: 'w' }))[0]!;
      expect(c.attempts).toBe(2);
      clock.t += 1001; // died again, on its last attempt
      expect(await jobs.claim(kind, { leaseMs: 1000, worker: 'w' })).toEqual([]);
      expect(await jobs.get(id)).toMatchObject({ state: 'failed', attempts: 2, error: { code: 'job_lease_expired' } });
    });

    it('cancels a queued job, and a running one: its handler sees its signal abort, nothing of it is written', async () => {
      const { store } = await open();
      const kind = kindOf('cancel');
      const queued = await store.jobs.enqueue(kind, {}, { delayMs: 3_600_000 });
      expect((await store.jobs.cancel(queued.id))?.state).toBe('cancelled');
      const started = deferred<RunningJob>();
      const aborted = deferred<unknown>();
      const worker = store.jobs.work(kind, async (job) => {
        started.resolve(job);
        await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
        aborted.resolve(job.signal.reason);
        return 'finished anyway';
      });
      const running = await store.jobs.enqueue(kind, {});
      expect((await started.promise).id).toBe(running.id);
      expect((await store.jobs.cancel(running.id))?.state).toBe('cancelled');
      const reason = await aborted.promise;
      expect(reason).toBeInstanceOf(JobInterruptedError);
      expect(reason).toMatchObject({ reason: 'cancelled', jobId: running.id });
      await worker.stop();
      expect(await store.jobs.get(running.id)).toMatchObject({ state: 'cancelled', result: undefined });
      // a finished job is returned as it is
      expect((await store.jobs.cancel(running.id))?.state).toBe('cancelled');
      expect(await store.jobs.cancel('job_missing')).toBeUndefined();
    });

    it('a job cancelled by another process is interrupted at its next heartbeat', async () => {
      const { store } = await open();
      const other = clocked(store).jobs; // another queue over the same tables: a cancel this process does not see
      const kind = kindOf('remote-cancel');
      const started = deferred();
      const aborted = deferred<unknown>();
      const worker = store.jobs.work(
        kind,
        async (job) => {
          started.resolve();
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
          aborted.resolve(job.signal.reason);
        },
        { heartbeatMs: 20 },
      );
      const { id } = await store.jobs.enqueue(kind, {});
      await started.promise;
      await other.cancel(id);
      expect(await aborted.promise).toMatchObject({ reason: 'cancelled' });
      await worker.stop();
      expect((await store.jobs.get(id))?.state).toBe('cancelled');
    });

    it('runs jobs in a worker loop with at most `concurrency` at once, each once, results stored', async () => {
      const { store, gateway } = await open();
      const kind = kindOf('loop');
      let active = 0;
      let most = 0;
      const runs = new Map<string, number>();
      const gates: Array<() => void> = [];
      const fourRunning = deferred();
      const worker = store.jobs.work<{ n: number }>(
        kind,
        async (job) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          active++;
          most = Math.max(most, active);
          if (active === 4) fourRunning.resolve();
          // the first four wait until all four run at once; the rest run straight through
          if (gates.length < 4) await new Promise<void>((resolve) => gates.push(resolve));
          active--;
          return { doubled: job.payload.n * 2 };
        },
        { concurrency: 4 },
      );
      const ids = [];
      for (let n = 0; n < 20; n++) ids.push((await store.jobs.enqueue(kind, { n })).id);
      await fourRunning.promise;
      expect(worker.active).toBe(4);
      for (const open of gates) open();
      await worker.idle();
      await gateway.flush();
      expect(most).toBe(4);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(runs.size).toBe(20);
      for (const [n, id] of ids.entries()) expect(await store.jobs.get(id)).toMatchObject({ state: 'done', result: { doubled: n * 2 }, attempts: 1 });
      await worker.stop();
    });

    it('a retried attempt resumes from its last checkpoint and skips the units it completed', async () => {
      const { store } = await open();
      const kind = kindOf('resume');
      const table = `effects_${process.pid}_${++seq}`;
      await store.migrate(`@test/${table}`, [
        { name: '001', up: (db) => db.schema.createTable(table).addColumn('job_id', 'varchar(40)').addColumn('unit', 'varchar(20)').addColumn('attempt', 'integer').execute() },
      ]);
      const seen: Array<{ attempt: number; checkpoint: unknown; done: string[] }> = [];
      const worker = store.jobs.work<null, { next: number }>(
        kind,
        async (job) => {
          const done = await job.completedUnits();
          seen.push({ attempt: job.attempt, checkpoint: job.checkpoint, done: [...done.keys()].sort() });
          for (let i = job.checkpoint?.next ?? 0; i < 6; i++) {
            const unit = `u${i}`;
            if (done.has(unit)) continue;
            await job.transaction(async (trx) => {
              await trx.insertInto(table).values({ job_id: job.id, unit, attempt: job.attempt }).execute();
              expect(await job.completeUnit(unit, { i }, trx)).toBe(true);
              await job.saveCheckpoint({ next: i + 1 }, trx);
            });
            if (i === 2 && job.attempt === 1) throw new Error('crash after unit 2');
          }
          expect(await job.completeUnit('u0')).toBe(false); // recorded once
          return 'all six';
        },
        { concurrency: 1 },
      );
      const { id } = await store.jobs.enqueue(kind, null, { backoffMs: 0 });
      await worker.idle();
      await worker.stop();
      expect(seen).toEqual([
        { attempt: 1, checkpoint: undefined, done: [] },
        { attempt: 2, checkpoint: { next: 3 }, done: ['u0', 'u1', 'u2'] },
      ]);
      expect(await store.jobs.get(id)).toMatchObject({ state: 'done', result: 'all six', attempts: 2, checkpoint: { next: 6 }, error: { message: 'crash after unit 2' } });
      const rows = await store.db.selectFrom(table).select(['unit', 'attempt']).orderBy('unit').execute();
      expect(rows.map((r) => `${r.unit}@${r.attempt}`)).toEqual(['u0@1', 'u1@1', 'u2@1', 'u3@2', 'u4@2', 'u5@2']);
      expect(await store.jobs.unitCount(id)).toBe(6);
      expect((await store.jobs.get(id))!.finishedAt).not.toBeNull();
    });

    it('a handler that throws JobFailure with retry: false fails at once; a unit written in a rolled-back transaction is not recorded', async () => {
      const { store } = await open();
      const kind = kindOf('no-retry');
      const worker = store.jobs.work(kind, async (job) => {
        await job
          .transaction(async (trx) => {
            await job.completeUnit('half', undefined, trx);
            throw new Error('roll back');
          })
          .catch(() => undefined);
        throw new JobFailure('input file is gone', { retry: false, publicCode: 'file_not_found' });
      });
      const { id } = await store.jobs.enqueue(kind, {}, { maxAttempts: 5 });
      await worker.idle();
      await worker.stop();
      expect(await store.jobs.get(id)).toMatchObject({ state: 'failed', attempts: 1, error: { message: 'input file is gone', code: 'file_not_found' } });
      expect(await store.jobs.unitCount(id)).toBe(0);
    });

    it('a handler that returns release() is queued again, attempt not counted', async () => {
      const { store } = await open();
      const kind = kindOf('self-release');
      let calls = 0;
      const worker = store.jobs.work(kind, async (job) => (++calls === 1 ? job.release(3_600_000) : 'second'));
      const { id } = await store.jobs.enqueue(kind, {});
      await worker.idle();
      await worker.stop();
      expect(calls).toBe(1);
      expect(await store.jobs.get(id)).toMatchObject({ state: 'queued', attempts: 0 });
    });

    it('gateway.flush() waits for a running job; at close a draining job finishes, a releasing one goes back to the queue, attempt not counted', async () => {
      const first = await open();
      const kind = kindOf('close');
      const gate = deferred();
      const started = deferred();
      const drainer = first.store.jobs.work(kind, async (job) => {
        started.resolve();
        await gate.promise;
        return `done ${String(job.payload)}`;
      });
      const a = await first.store.jobs.enqueue(kind, 'a');
      await started.promise;
      let flushed = false;
      const flushing = first.gateway.flush().then(() => (flushed = true));
      await new Promise((r) => setImmediate(r));
      expect(flushed).toBe(false); // the job still runs
      gate.resolve();
      await flushing;
      expect(await first.store.jobs.get(a.id)).toMatchObject({ state: 'done', result: 'done a' });
      await drainer.stop();

      // one job drains through the close, another (shutdown: 'release') is put back at once
      const slow = deferred();
      const inDrain = deferred();
      const inRelease = deferred();
      const interrupted = deferred<unknown>();
      first.store.jobs.work(`${kind}.drain`, async () => {
        inDrain.resolve();
        await slow.promise;
        return 'drained';
      });
      const released = first.store.jobs.work(
        `${kind}.release`,
        async (job) => {
          inRelease.resolve();
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
          interrupted.resolve(job.signal.reason);
          job.signal.throwIfAborted();
        },
        { shutdown: 'release' },
      );
      const d = await first.store.jobs.enqueue(`${kind}.drain`, 'd');
      const r = await first.store.jobs.enqueue(`${kind}.release`, 'r');
      await Promise.all([inDrain.promise, inRelease.promise]);
      const closing = first.close();
      // the releasing job is interrupted as the gateway starts closing, before the draining one ends
      expect(await interrupted.promise).toMatchObject({ reason: 'shutdown', jobId: r.id });
      slow.resolve();
      await closing;
      expect(released.active).toBe(0);
      const second = await open();
      expect(await second.store.jobs.get(d.id)).toMatchObject({ state: 'done', result: 'drained' });
      expect(await second.store.jobs.get(r.id)).toMatchObject({ state: 'queued', attempts: 0, worker: null });
      expect(() => first.store.jobs.work(kind, async () => undefined)).toThrow(/closed/);
      await second.store.jobs.cancel(r.id);
    });

    it('prunes finished jobs and their units', async () => {
      const { store } = await open();
      const { clock, jobs } = clocked(store, 1_000_000);
      const kind = kindOf('prune');
      const old = await jobs.enqueue(kind, {});
      const worker = jobs.work(kind, async (job) => {
        await job.completeUnit('u');
      });
      await worker.idle();
      await worker.stop();
      expect(await jobs.unitCount(old.id)).toBe(1);
      clock.t += 10_000;
      const recent = await jobs.enqueue(kind, {});
      expect(await jobs.prune(clock.t - 5_000)).toBeGreaterThanOrEqual(1);
      expect(await jobs.get(old.id)).toBeUndefined();
      expect(await jobs.unitCount(old.id)).toBe(0);
      expect((await jobs.get(recent.id))?.state).toBe('queued');
      expect(JOBS_TABLE).toBe('sy_jobs');
    });
  });
}
