/**
 * The batches scenario (`npm run bench -- --scenario batches [--lines 10000] [--file-mb 1024]`):
 * a gateway CLI (store-sqlite, batches with concurrency 64, provider-openai) in front of the
 * bench upstream; a batch of `lines` chat lines is run through the gateway and its lines per
 * second measured, with the gateway's RSS sampled from /proc; then a `file-mb` upload and
 * download through the Files API (streamed multipart), in MB/s with the RSS.
 */
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { build, ROOT, script, startGateway } from './bench.js';
import { startProcess, type Proc } from './procs.js';
import { UPSTREAM_READY } from './targets.js';

/** Options of the scenario. */
export interface BatchesBenchOptions {
  lines?: number;
  fileMb?: number;
  mode?: 'dist' | 'source';
  outDir?: string;
  log?: (line: string) => void;
}

/** What the scenario measured. */
export interface BatchesBenchRecord {
  startedAt: string;
  lines: number;
  linesPerSecond: number;
  batchRssMb: { start: number; peak: number };
  fileMb: number;
  uploadMBps: number;
  downloadMBps: number;
  fileRssMb: { start: number; peak: number };
  table: string;
  file?: string;
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

function sampler(pid: number): { stop(): { start: number; peak: number } } {
  const start = rssMb(pid);
  let peak = start;
  const t = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  return {
    stop() {
      clearInterval(t);
      return { start, peak: Math.max(peak, rssMb(pid)) };
    },
  };
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

function streamedUpload(origin: string, bytes: number): Promise<{ id: string }> {
  const boundary = 'switchyard-bench';
  const chunk = Buffer.alloc(1024 * 1024, 'abcdefghij\n');
  const body = Readable.from(
    (async function* () {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`);
      for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    })(),
  );
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}/v1/files`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: 'Bearer sk-bench' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as { id: string }) : reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

/**
 * Runs the scenario.
 *
 * @example
 * ```ts
 * const record = await runBatchesBench({ lines: 10_000, fileMb: 1024 });
 * console.log(record.table);
 * ```
 */
export async function runBatchesBench(opts: BatchesBenchOptions = {}): Promise<BatchesBenchRecord> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const lines = opts.lines ?? 10_000;
  const fileMb = opts.fileMb ?? 1024;
  const dist = (opts.mode ?? 'dist') === 'dist' && build(['core', 'plugins/store-sqlite', 'plugins/batches', 'plugins/provider-openai', 'cli'], 'the gateway', log);
  const benchDist = (opts.mode ?? 'dist') === 'dist' && build(['bench'], 'the upstream', log);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-batches-'));
  const procs: Proc[] = [];
  const startedAt = new Date().toISOString();
  try {
    const { proc: upstream, match } = await startProcess([...script(benchDist, 'bench/src/upstream'), '2', '1', '50', '1000'], UPSTREAM_READY, { cwd: ROOT });
    procs.push(upstream);
    const dataDir = path.join(tmp, 'data');
    mkdirSync(dataDir, { recursive: true });
    const config = path.join(tmp, 'batches.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        plugins: ['@switchyard/store-sqlite', ['@switchyard/batches', { concurrency: 64, batchConcurrency: 1, chunkLines: lines, maxFileBytes: (fileMb + 1) * 1024 * 1024, pollMs: 50, mode: 'gateway' }], '@switchyard/provider-openai'],
        models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', apiBase: `http://127.0.0.1:${match[1]}/v1`, apiKey: 'sk-emulator' }],
        dataDir,
        logLevel: 'warn',
      }),
    );
    const gw = await startGateway(config, dist, undefined);
    procs.push(gw.proc);
    const origin = `http://127.0.0.1:${gw.port}`;
    const auth = { authorization: 'Bearer sk-bench' };

    log(`batches: ${lines}-line batch, concurrency 64`);
    const jsonl = Array.from({ length: lines }, (_, i) => JSON.stringify({ custom_id: `b${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o', messages: [{ role: 'user', content: `line ${i}` }] } })).join('\n');
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([jsonl]), 'bench.jsonl');
    const file = await json(await fetch(`${origin}/v1/files`, { method: 'POST', headers: auth, body: form }));
    const rss = sampler(gw.proc.pid);
    const t0 = performance.now();
    const batch = await json(await fetch(`${origin}/v1/batches`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }) }));
    let b = batch;
    while (!['completed', 'failed', 'cancelled', 'expired'].includes(String(b.status))) {
      await new Promise((r) => setTimeout(r, 50));
      b = await json(await fetch(`${origin}/v1/batches/${String(batch.id)}`, { headers: auth }));
    }
    const seconds = (performance.now() - t0) / 1000;
    const batchRss = rss.stop();
    if (b.status !== 'completed') throw new Error(`the batch ended ${String(b.status)}`);

    log(`files: ${fileMb} MB up and down`);
    const frss = sampler(gw.proc.pid);
    const u0 = performance.now();
    const up = await streamedUpload(origin, fileMb * 1024 * 1024);
    const uploadS = (performance.now() - u0) / 1000;
    const d0 = performance.now();
    const res = await fetch(`${origin}/v1/files/${up.id}/content`, { headers: auth });
    let n = 0;
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) n += c.length;
    const downloadS = (performance.now() - d0) / 1000;
    const fileRss = frss.stop();
    if (n !== fileMb * 1024 * 1024) throw new Error(`downloaded ${n} bytes`);

    const record: BatchesBenchRecord = {
      startedAt,
      lines,
      linesPerSecond: Math.round(lines / seconds),
      batchRssMb: { start: Math.round(batchRss.start), peak: Math.round(batchRss.peak) },
      fileMb,
      uploadMBps: Math.round(fileMb / uploadS),
      downloadMBps: Math.round(fileMb / downloadS),
      fileRssMb: { start: Math.round(fileRss.start), peak: Math.round(fileRss.peak) },
      table: '',
    };
    record.table = [
      '| batches scenario | measured | gateway RSS start → peak (MB) |',
      '|---|---|---|',
      `| ${lines}-line batch, concurrency 64 | ${record.linesPerSecond} lines/s | ${record.batchRssMb.start} → ${record.batchRssMb.peak} |`,
      `| ${fileMb} MB upload / download | ${record.uploadMBps} / ${record.downloadMBps} MB/s | ${record.fileRssMb.start} → ${record.fileRssMb.peak} |`,
    ].join('\n');
    const outDir = opts.outDir ?? path.join(ROOT, 'bench', 'results');
    mkdirSync(outDir, { recursive: true });
    record.file = path.join(outDir, `batches-${startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(record.file, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    for (const p of procs.reverse()) await p.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
