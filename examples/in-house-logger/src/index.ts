/**
 * An in-house logging plugin: one compact audit line per call, tagged with the owning team,
 * appended to a file. Prompts and completions never leave the gateway (it keeps no bodies).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { definePlugin, parsePluginOptions, toCallRecord, z, type GatewayPlugin } from '@switchyard/core';

const PLUGIN_NAME = '@switchyard/example-in-house-logger';
const Options = z.strictObject({ file: z.string().min(1).default('audit.log'), team: z.string().min(1) });

/**
 * The plugin factory the config calls with its options.
 *
 * @example
 * ```yaml
 * plugins:
 *   - ["@switchyard/example-in-house-logger", { team: payments, file: /var/log/llm-audit.log }]
 * ```
 */
export default function inHouseLogger(options?: z.input<typeof Options>): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, Options, options);
  return definePlugin({
    name: PLUGIN_NAME,
    version: '0.1.0',
    apply(gateway) {
      const file = path.resolve(gateway.settings.dataDir, opts.file); // relative to the data dir
      let writes: Promise<void> = mkdir(path.dirname(file), { recursive: true }).then(() => undefined);
      gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => {
        const r = toCallRecord(event, { redact: true });
        const line = { team: opts.team, at: r.time, requestId: r.requestId, session: r.sessionId, model: r.model, status: r.status, ms: r.latencyMs, tokens: (r.inputTokens ?? 0) + (r.outputTokens ?? 0), cost: r.cost ?? null };
        writes = writes.then(() => appendFile(file, `${JSON.stringify(line)}\n`)).catch((err: unknown) => gateway.diagnostics.error(`cannot write ${file}`, err));
        await writes; // one write at a time keeps lines whole and in order
      });
    },
  });
}
