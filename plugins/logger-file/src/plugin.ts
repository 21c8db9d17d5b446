/**
 * The file logger: the call record of every call as one JSON line, appended to a file
 * that is rotated by size (classic `calls.jsonl.1`, `.2`, ... with rotating-file-stream).
 */
import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { definePlugin, parsePluginOptions, toCallRecord, z, type GatewayPlugin } from '@switchyard/core';
import { LineBatch } from './line-batch.js';

const PLUGIN_NAME = '@switchyard/logger-file';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** File to write; default `<dataDir>/calls.jsonl`. Relative paths resolve from the working directory. */
  path: z.string().min(1).optional(),
  /** Rotate once the file reaches this size: a number and a unit, B, K, M or G (e.g. `10M`). */
  maxSize: z.string().regex(/^\d+[BKMG]$/, 'expected a size like 500K, 10M or 1G').default('10M'),
  /** Rotated files kept (`calls.jsonl.1` is the newest); older ones are deleted. */
  maxFiles: z.number().int().min(1).max(1000).default(5),
  /** Gzip rotated files. */
  compress: z.boolean().default(false),
  /** `true`: prompts and responses never in the records; `false`: always; default: only when `storePrompts` is on. */
  redact: z.boolean().optional(),
  /** Most characters of lines kept waiting while the disk is behind; past it, lines are dropped and counted (default 64 Mi). */
  maxPendingBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
});

/** Options of the file logger. */
export type FileLoggerOptions = z.input<typeof OptionsSchema>;

/**
 * Appends every call as a JSON line to a size-rotated file, flushed at shutdown.
 *
 * @example
 * ```ts
 * import fileLogger from '@switchyard/logger-file';
 * const gateway = await createGateway({
 *   plugins: [mockProvider(), fileLogger({ path: './logs/calls.jsonl', maxSize: '50M', maxFiles: 10 })],
 * });
 * ```
 */
export function fileLogger(options?: FileLoggerOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      const storePrompts = gateway.settings.storePrompts;
      const file = path.resolve(opts.path ?? path.join(gateway.settings.dataDir, 'calls.jsonl'));
      let stream: RotatingFileStream | undefined;
      // opened on the first call, so a gateway that serves nothing creates no file
      const open = (): RotatingFileStream => {
        if (stream) return stream;
        stream = createStream(path.basename(file), {
          path: path.dirname(file),
          size: opts.maxSize,
          rotate: opts.maxFiles,
          ...(opts.compress ? { compress: 'gzip' as const } : {}),
        });
        stream.on('error', (err) => gateway.diagnostics.error(`cannot write ${file}`, err));
        stream.on('warning', (err) => gateway.diagnostics.warn(`rotating ${file}`, err));
        return stream;
      };
      // one file write per batch of lines, not per line (see line-batch.ts)
      const batch = new LineBatch((chunk, done) => open().write(chunk, done), opts.maxPendingBytes);
      let droppedReported = 0;

      // resolves once the record is in the file, so gateway.flush() waits for it too
      gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => {
        const written = batch.push(`${JSON.stringify(toCallRecord(event, { redact: opts.redact, storePrompts }))}\n`);
        if (written) return written;
        if (batch.dropped === 1 || batch.dropped - droppedReported >= 1000) {
          gateway.diagnostics.warn(`${file} is behind: ${batch.dropped} call records dropped so far (over ${opts.maxPendingBytes} characters waiting)`);
          droppedReported = batch.dropped;
        }
      });
      gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => {
        const rest = batch.take();
        if (!stream && rest.length === 0) return;
        const s = open();
        if (s.destroyed) return;
        await new Promise<void>((resolve) => {
          s.once('close', resolve);
          s.once('error', () => resolve());
          s.end(rest.length > 0 ? rest : undefined);
        });
      });
    },
  });
}
