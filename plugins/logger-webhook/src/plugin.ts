/**
 * The webhook logger: call records POSTed in batches to a URL. Calls never wait for it:
 * records go to a bounded queue (overflow is dropped and counted), a timer and the batch
 * size trigger sends, and shutdown flushes within a deadline.
 */
import { definePlugin, parsePluginOptions, toCallRecord, z, type GatewayPlugin } from '@switchyard/core';
import { WebhookSender, type WebhookStats } from './sender.js';

const PLUGIN_NAME = '@switchyard/logger-webhook';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** Where batches are POSTed. */
  url: z.url({ protocol: /^https?$/ }),
  /** Extra request headers (e.g. `authorization`). */
  headers: z.record(z.string(), z.string()).default({}),
  /** `json`: one JSON array per POST; `ndjson`: one record per line. */
  format: z.enum(['json', 'ndjson']).default('json'),
  /** Records per POST; a full batch is sent at once. */
  batchSize: z.number().int().min(1).max(10_000).default(100),
  /** A partial batch is sent after this long. */
  flushIntervalMs: z.number().int().min(10).max(3_600_000).default(2_000),
  /** Records held at most; beyond it records are dropped and counted. */
  maxQueue: z.number().int().min(1).max(10_000_000).default(10_000),
  /** Attempts per batch (first try included) on 5xx, 429 and network errors. */
  maxAttempts: z.number().int().min(1).max(100).default(6),
  /** First retry delay; doubles each attempt, with jitter. */
  retryBaseMs: z.number().int().min(1).max(600_000).default(500),
  /** Longest retry delay. */
  retryMaxMs: z.number().int().min(1).max(3_600_000).default(30_000),
  /** Per-POST timeout. */
  timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
  /** Longest time shutdown waits to deliver what is queued. */
  closeTimeoutMs: z.number().int().min(0).max(600_000).default(5_000),
  /** `true`: prompts and responses never in the records; `false`: always; default: only when `storePrompts` is on. */
  redact: z.boolean().optional(),
});

/** Options of the webhook logger. */
export type WebhookLoggerOptions = z.input<typeof OptionsSchema>;

/** The webhook logger plugin, with its counters. */
export interface WebhookLoggerPlugin extends GatewayPlugin {
  /** Queue and delivery counters (drops included). */
  stats(): WebhookStats;
  /** Sends everything queued now; resolves when the queue is empty or given up. */
  flush(): Promise<void>;
}

/**
 * POSTs call records in batches, with retry, backoff and a bounded queue.
 *
 * @example
 * ```ts
 * import webhookLogger from '@switchyard/logger-webhook';
 * const logs = webhookLogger({ url: 'https://logs.example.com/ingest', headers: { authorization: 'Bearer x' } });
 * const gateway = await createGateway({ plugins: [mockProvider(), logs] });
 * logs.stats(); // { queued, sent, dropped, failed, retries, batches }
 * ```
 */
export function webhookLogger(options?: WebhookLoggerOptions): WebhookLoggerPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  let sender: WebhookSender | undefined;
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    stats: (): WebhookStats => sender?.stats() ?? { queued: 0, sent: 0, dropped: 0, failed: 0, retries: 0, batches: 0 },
    flush: async () => sender?.drain(),
    apply(gateway) {
      const storePrompts = gateway.settings.storePrompts;
      const s = (sender = new WebhookSender({ ...opts, diagnostics: gateway.diagnostics }));
      const timer = setInterval(() => void s.drain(), opts.flushIntervalMs);
      timer.unref();

      gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => {
        s.push(toCallRecord(event, { redact: opts.redact, storePrompts }));
      });
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => {
        clearInterval(timer);
        let deadline: NodeJS.Timeout | undefined;
        const expired = new Promise<'expired'>((resolve) => {
          deadline = setTimeout(() => resolve('expired'), opts.closeTimeoutMs);
        });
        const outcome = await Promise.race([s.drain().then(() => 'done' as const), expired]);
        clearTimeout(deadline);
        if (outcome === 'expired') {
          s.abort();
          await s.drain(); // settles at once: the POST or backoff in flight was aborted
          gateway.diagnostics.warn(`webhook logger: shutdown deadline passed; ${s.stats().failed} record(s) not delivered`);
        }
      });
    },
  });
}
