/**
 * The console logger: one line per finished call, written by pino. Pretty (pino-pretty)
 * when stdout is a terminal, JSON Lines otherwise.
 */
import pino, { type DestinationStream, type Level } from 'pino';
import pinoPretty from 'pino-pretty';
import { definePlugin, parsePluginOptions, toCallRecord, z, type CallRecord, type GatewayPlugin } from '@switchyard/core';

const PLUGIN_NAME = '@switchyard/logger-console';
const VERSION = '0.1.0';

// a terminal line keeps who/what/how long/how much; JSON lines keep everything
const PRETTY_IGNORE = 'id,request,response,operation,endpoint,upstreamModel,outcome,stream,attempts,responseId,finishReason,metadata';

const isStream = (v: unknown): v is DestinationStream => typeof (v as { write?: unknown } | null)?.write === 'function';

const OptionsSchema = z.strictObject({
  /** Lowest level written: successful calls log at `info`, 4xx at `warn`, 5xx at `error`. */
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Human-readable lines; defaults to whether stdout is a TTY. */
  pretty: z.boolean().optional(),
  /** `true`: prompts and responses never in the lines; `false`: always; default: only when `storePrompts` is on. */
  redact: z.boolean().optional(),
  /** Where lines go: a file descriptor, a file path, or a writable stream (tests). Default stdout. */
  destination: z.union([z.number().int().min(0), z.string().min(1), z.custom<DestinationStream>(isStream, 'expected a writable stream')]).optional(),
});

/** Options of the console logger. */
export type ConsoleLoggerOptions = z.input<typeof OptionsSchema>;

/**
 * The level a call's line is written at.
 *
 * @example
 * ```ts
 * levelOf({ status: 503 }); // 'error'
 * ```
 */
export function levelOf(record: Pick<CallRecord, 'status'>): Level {
  if (record.status >= 500) return 'error';
  if (record.status >= 400) return 'warn';
  return 'info';
}

/**
 * The short message of a call's line.
 *
 * @example
 * ```ts
 * messageOf(toCallRecord(event)); // 'chat gpt-4o 200 812ms'
 * ```
 */
export function messageOf(record: CallRecord): string {
  return `${record.operation} ${record.model ?? '-'} ${record.status} ${Math.round(record.latencyMs)}ms`;
}

/**
 * Logs every call as one line: session, model, deployment, status, latency, tokens, cost
 * (and the bodies when prompts are stored: `storePrompts`, or `redact: false`).
 *
 * @example
 * ```ts
 * import consoleLogger from '@switchyard/logger-console';
 * const gateway = await createGateway({ plugins: [mockProvider(), consoleLogger({ redact: true })] });
 * ```
 */
export function consoleLogger(options?: ConsoleLoggerOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      const storePrompts = gateway.settings.storePrompts;
      const dest = opts.destination;
      const raw: DestinationStream = isStream(dest) ? dest : pino.destination({ dest: dest ?? 1, sync: false, mkdir: true });
      const pretty = opts.pretty ?? (dest === undefined && process.stdout.isTTY === true);
      const stream = pretty
        ? pinoPretty({ destination: raw, singleLine: true, colorize: dest === undefined && process.stdout.isTTY === true, ignore: PRETTY_IGNORE })
        : raw;
      const logger = pino(
        {
          level: opts.level,
          base: null,
          timestamp: false,
          formatters: { level: (label) => ({ level: label }) },
        },
        stream,
      );

      gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => {
        const record = toCallRecord(event, { redact: opts.redact, storePrompts });
        logger[levelOf(record)](record, messageOf(record));
      });
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => {
        await new Promise<void>((resolve) => {
          try {
            logger.flush(() => resolve());
          } catch {
            resolve(); // a destination that never opened has nothing to flush
          }
        });
      });
    },
  });
}
