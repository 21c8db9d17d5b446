/**
 * The job runner across processes: a process killed with SIGKILL in the middle of a job (inside
 * a unit's open transaction) and a new process that resumes it from its checkpoint, every unit's
 * side effect committed exactly once; several processes draining one queue without running any
 * job twice (10,000 jobs on PostgreSQL). Real child processes, real SQLite file, real PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, memoryDiagnostics, type Gateway } from '@switchyard/core';
import type { Store } from '@switchyard/store';
import { killScripts, postgresStore, sqliteStore, startPostgres, startScript, type TestPostgres } from '@switchyard/test-kit';

const FIXTURE = fileURLToPath(new URL('./fixtures/job-process.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'sy-jobs-proc-'));
let server: TestPostgres | undefined;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  killScripts();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Target {
  dialect: 'sqlite' | 'postgres';
  location(): Promise<string>;
}
const targets: Target[] = [
  { dialect: 'sqlite', location: async () => path.join(dir, `jobs-${Math.random().toString(36).slice(2)}.db`) },
  { dialect: 'postgres', location: async () => server!.createDatabase(`jobs_${Math.random().toString(36).slice(2)}`) },
];

async function openStore(t: Target, location: string): Promise<{ gateway: Gateway; store: Store }> {
  const plugin = t.dialect === 'postgres' ? postgresStore({ connectionString: location, poolSize: 4 }) : sqliteStore({ file: location });
  const gateway = await createGateway({ plugins: [plugin] }, { diagnostics: memoryDiagnostics() });
  return { gateway, store: gateway.services.store! };
}

describe.each(targets)('jobs across processes: $dialect', (t) => {
  it('kill -9 inside a unit, restart: the job resumes from its checkpoint and every side effect happens exactly once', { timeout: 120_000 }, async () => {
    const location = await t.location();
    const { gateway, store } = await openStore(t, location);
    try {
      const job = await store.jobs.enqueue('kill.units', {}, { key: 'kill-1' });
      const first = startScript(FIXTURE, [t.dialect, location, 'units', '--stop-at', '5']);
      await first.line(/^inside unit 5$/);
      await first.kill();
      expect(first.output()).toContain('start attempt=1 checkpoint=null done=0');
      // the dead process still holds the lease: a new process claims it once the lease has run
      // out, which its clock (moved past the 60 s lease) says it has
      const second = startScript(FIXTURE, [t.dialect, location, 'units', '--clock-offset', '61000']);
      await second.line(/^finished$/);
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('start attempt=2 checkpoint={"next":5} done=5');
      expect(second.output()).not.toContain('unit 4\n');

      const effects = await store.db.selectFrom('kill_effects').select(['unit', 'pid']).where('job_id', '=', job.id).execute();
      const units = effects.map((e) => e.unit as string).sort();
      expect(units).toEqual(['finish', 'u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9']);
      const byPid = (pid: number | undefined) => effects.filter((e) => Number(e.pid) === pid).map((e) => e.unit as string).sort();
      expect(byPid(first.child.pid)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']); // unit 5 was rolled back with the kill
      expect(byPid(second.child.pid)).toEqual(['finish', 'u5', 'u6', 'u7', 'u8', 'u9']);
      expect(await store.jobs.get(job.id)).toMatchObject({ state: 'done', attempts: 2, result: { units: 10 }, checkpoint: { next: 10 } });
      expect(await store.jobs.unitCount(job.id)).toBe(10);
    } finally {
      await gateway.close();
    }
  });
});

describe.each([
  { dialect: 'postgres' as const, jobs: 10_000, concurrency: 8 },
  { dialect: 'sqlite' as const, jobs: 2_000, concurrency: 4 },
])('two processes draining one queue: $dialect', ({ dialect, jobs, concurrency }) => {
  it(`runs each of ${jobs} jobs exactly once, both processes sharing the work`, { timeout: 300_000 }, async () => {
    const target = targets.find((x) => x.dialect === dialect)!;
    const location = await target.location();
    const { gateway, store } = await openStore(target, location);
    try {
      const kind = 'drain.many';
      for (let start = 0; start < jobs; start += 1000) {
        await store.transaction(async (trx) => {
          for (let i = start; i < Math.min(jobs, start + 1000); i++) await store.jobs.enqueue(kind, { i }, { key: `k${i}`, trx });
        });
      }
      const procs = [startScript(FIXTURE, [dialect, location, 'drain', kind, String(concurrency)]), startScript(FIXTURE, [dialect, location, 'drain', kind, String(concurrency)])];
      await Promise.all(procs.map((p) => p.line(/^ready$/)));
      for (const p of procs) p.send('go');
      const done = await Promise.all(procs.map(async (p) => JSON.parse((await p.line(/^done (.*)$/))[1]!) as { ran: number }));
      expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
      console.info(`${dialect}: ${jobs} jobs, process 1 ran ${done[0]!.ran}, process 2 ran ${done[1]!.ran}`);

      const runs = await store.db.selectFrom('drain_runs').select(['job_id']).select((eb) => eb.fn.countAll().as('n')).groupBy('job_id').execute();
      expect(runs.length).toBe(jobs);
      expect(runs.filter((r) => Number(r.n) !== 1)).toEqual([]);
      expect(done[0]!.ran + done[1]!.ran).toBe(jobs);
      expect(done[0]!.ran).toBeGreaterThan(0);
      expect(done[1]!.ran).toBeGreaterThan(0);
      const states = await store.db.selectFrom('sy_jobs').select(['state']).select((eb) => eb.fn.countAll().as('n')).where('kind', '=', kind).groupBy('state').execute();
      expect(states.map((s) => [s.state, Number(s.n)])).toEqual([['done', jobs]]);
    } finally {
      await gateway.close();
    }
  });
});
