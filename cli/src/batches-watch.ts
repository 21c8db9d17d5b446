/**
 * `switchyard batches watch <batch_id>`: follows a batch on a running gateway and draws its
 * progress (lines done of total, status, estimated time left and the gateway's
 * `estimated_completion_at`) with cli-progress, until the batch ends. Exits 0 when it
 * completed, 1 when it failed, expired or was cancelled.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';

/** Usage of the batches command. */
export const BATCHES_USAGE = `Usage: switchyard batches watch <batch_id> [options]

Options:
  --url URL        the gateway (default: $SWITCHYARD_URL or http://127.0.0.1:4000)
  --key KEY        the API key (default: $SWITCHYARD_API_KEY or $OPENAI_API_KEY)
  --interval MS    how often to ask, in ms (default 1000)
`;

interface BatchView {
  id: string;
  status: string;
  request_counts?: { total: number; completed: number; failed: number } | null;
  output_file_id?: string | null;
  error_file_id?: string | null;
  errors?: { data: Array<{ line: number | null; message: string }> } | null;
  /** The gateway's estimate (epoch seconds) while the batch is in progress. */
  estimated_completion_at?: number | null;
}

/** `HH:MM:SSZ` of an epoch-seconds time, or `-`. */
const clock = (t: number | null | undefined) => (typeof t === 'number' ? `${new Date(t * 1000).toISOString().slice(11, 19)}Z` : '-');

const ENDED = new Set(['completed', 'failed', 'expired', 'cancelled']);

/**
 * Runs `switchyard batches ...`; resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await batchesCommand(['watch', 'batch_abc', '--url', 'http://127.0.0.1:4000']);
 * ```
 */
export async function batchesCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, key: { type: 'string' }, interval: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || positionals[0] !== 'watch' || !positionals[1]) {
    process.stderr.write(BATCHES_USAGE);
    return values.help ? 0 : 2;
  }
  const id = positionals[1];
  const base = (values.url ?? env.SWITCHYARD_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '').replace(/\/v1$/, '');
  const key = values.key ?? env.SWITCHYARD_API_KEY ?? env.OPENAI_API_KEY;
  const interval = Number(values.interval ?? 1000);
  if (!Number.isInteger(interval) || interval < 10) {
    process.stderr.write('switchyard: --interval must be a whole number of ms, at least 10\n');
    return 2;
  }
  const bar = new cliProgress.SingleBar(
    { format: `${id} [{bar}] {value}/{total} lines | {status} | {failed} failed | ETA {eta_formatted} (ends {ends})`, noTTYOutput: true, notTTYSchedule: interval, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  for (;;) {
    const res = await fetch(`${base}/v1/batches/${encodeURIComponent(id)}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }).catch((err: unknown) => err as Error);
    if (res instanceof Error) {
      if (started) bar.stop();
      process.stderr.write(`switchyard: cannot reach ${base}: ${res.message}\n`);
      return 1;
    }
    const body = (await res.json().catch(() => ({}))) as BatchView & { error?: { message: string } };
    if (!res.ok) {
      if (started) bar.stop();
      process.stderr.write(`switchyard: ${res.status} ${body.error?.message ?? 'error'}\n`);
      return 1;
    }
    const c = body.request_counts ?? { total: 0, completed: 0, failed: 0 };
    const payload = { status: body.status, failed: c.failed, ends: clock(body.estimated_completion_at) };
    if (!started) {
      bar.start(c.total, c.completed + c.failed, payload);
      started = true;
    } else {
      bar.setTotal(c.total);
      bar.update(c.completed + c.failed, payload);
    }
    if (ENDED.has(body.status)) {
      bar.stop();
      process.stdout.write(`${id}: ${body.status} (${c.completed} completed, ${c.failed} failed of ${c.total}); output ${body.output_file_id ?? 'none'}, errors ${body.error_file_id ?? 'none'}\n`);
      for (const e of body.errors?.data ?? []) process.stdout.write(`  ${e.message}\n`);
      return body.status === 'completed' ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
