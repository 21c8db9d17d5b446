/**
 * The config schema, shared by config files and `createGateway(...)`.
 */
import { z } from 'zod';
import type { GatewayPlugin } from '../plugin-loader.js';
import { DeploymentRoutingSchema, RouterConfigSchema, type RouterConfig } from './router-schema.js';
import { MIN_BODY_LIMIT, sizeInBytes } from './size.js';

const price = z.number().min(0).optional();

/** Per-deployment price overrides in USD per token (they win over the price database). */
export const PricingSchema = {
  inputCostPerToken: price,
  outputCostPerToken: price,
  cacheReadCostPerToken: price,
  cacheWriteCostPerToken: price,
  inputCostPerTokenBatches: price,
  outputCostPerTokenBatches: price,
};

/** Keys of {@link PricingSchema}. */
export const PRICING_KEYS = Object.keys(PricingSchema) as Array<keyof typeof PricingSchema>;

/** A model entry: one deployment of a public model name. Provider-specific keys are allowed. */
export const ModelConfigSchema = z
  .looseObject({
    ...PricingSchema,
    ...DeploymentRoutingSchema,
    name: z.string().min(1),
    provider: z.string().min(1),
    model: z.string().min(1).optional(),
    apiBase: z.url().optional(),
    apiKey: z.string().optional(),
    timeoutMs: z.number().int().positive().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    id: z.string().min(1).optional(),
  });

/** The keys a model entry has whatever its provider (providers add their own). */
export const MODEL_KEYS: readonly string[] = Object.keys(ModelConfigSchema.shape);

/**
 * One model entry.
 *
 * @example
 * ```ts
 * const entry: ModelConfig = { name: 'gpt-4o', provider: 'openai', model: 'gpt-4o-2024-08-06', apiKey: '${OPENAI_API_KEY}', rpm: 500 };
 * ```
 */
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

const PluginObject = z.custom<GatewayPlugin>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { apply?: unknown }).apply === 'function',
  { message: 'expected a package name, a [name, options] tuple or a plugin object with apply()' },
);

/** A plugin as a config lists it: package name, `[name, options]`, or a plugin object. */
export const PluginSpecSchema = z.union([
  z.string().min(1),
  z.tuple([z.string().min(1), z.record(z.string(), z.unknown())]),
  z.tuple([z.string().min(1)]),
  PluginObject,
]);

/**
 * A plugin as a config lists it: package name, `[name, options]`, or a plugin object.
 *
 * @example
 * ```ts
 * const plugins: PluginSpec[] = ['@switchyard/provider-mock', ['@switchyard/logger-file', { path: 'calls.jsonl' }]];
 * ```
 */
export type PluginSpec = string | [string, Record<string, unknown>?] | GatewayPlugin;

/** Server settings. */
export const ServerConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  /** Largest request body accepted: bytes, or a size with a unit (`'20mb'`, `'512kb'`); at least 1 kB. */
  bodyLimit: z
    .union([z.number(), z.string()])
    .superRefine((v, ctx) => {
      const n = sizeInBytes(v);
      if (n === undefined) ctx.addIssue({ code: 'custom', message: `expected a number of bytes or a size like "20mb" (units b, kb, mb, gb), got ${JSON.stringify(v)}` });
      else if (n < MIN_BODY_LIMIT) {
        ctx.addIssue({
          code: 'custom',
          message: `${n} bytes is under 1 kB, which would refuse nearly every request (a bare number is bytes); write a size with a unit, e.g. "20mb"`,
        });
      }
    })
    .optional(),
  /** How long shutdown waits for in-flight calls and streams before aborting them. */
  shutdownTimeoutMs: z.number().int().positive().optional(),
  /** Deepest nesting of objects and arrays in a JSON body (default 64). */
  jsonDepth: z.number().int().min(8).max(1000).optional(),
  /** Time for a client to send the request headers (default 10 s). */
  headersTimeoutMs: z.number().int().positive().optional(),
  /** Time for a client to send the whole request, body included (default 120 s). */
  requestTimeoutMs: z.number().int().positive().optional(),
  /** How long an idle keep-alive connection is kept open (default 65 s). */
  keepAliveTimeoutMs: z.number().int().positive().optional(),
  /** Largest request head (default 16 KiB). */
  maxHeaderSize: z.number().int().min(1024).max(1024 * 1024).optional(),
  /** Most open client connections (default: the open-files limit less 256). */
  maxConnections: z.number().int().positive().optional(),
  /**
   * Longest a response waits for its call to be recorded (call log, spend) before it goes out
   * anyway (default 5 s). 0 answers without waiting: faster, but a kill -9 can lose the calls
   * answered in its last moments (the benchmark's "records not awaited" row).
   */
  recordTimeoutMs: z.number().int().min(0).optional(),
  /** Most streamed responses in flight at once (default 10,000); more get a 503. */
  maxStreams: z.number().int().positive().optional(),
});

/**
 * The zod schema of the whole config; unknown top-level keys are reported. To validate a
 * config with readable errors, use {@link validateConfig}.
 *
 * @example
 * ```ts
 * const topLevelKeys = Object.keys(ConfigSchema.shape); // ['extends', 'plugins', 'models', ...]
 * ```
 */
export const ConfigSchema = z.strictObject({
  extends: z.enum(['default', 'none']).optional(),
  plugins: z.array(PluginSpecSchema).optional(),
  models: z.array(ModelConfigSchema).optional(),
  server: ServerConfigSchema.optional(),
  router: RouterConfigSchema.optional(),
  storePrompts: z.boolean().optional(),
  secret: z.string().min(16).optional(),
  dataDir: z.string().min(1).optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
  pluginTimeoutMs: z.number().int().positive().optional(),
});

/**
 * The config of a gateway, as a file or as `createGateway` options.
 *
 * @example
 * ```ts
 * const config: SwitchyardConfig = { models: [{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o' }] };
 * ```
 */
export interface SwitchyardConfig {
  /**
   * `default`: start from the embedded default (its plugins, then yours; yours replace a default
   * plugin of the same package, and a store of yours replaces the default SQLite store).
   * `none`: exactly the plugins listed. In code the default is `none`; a config file that lists
   * no `plugins` gets `default`.
   */
  extends?: 'default' | 'none';
  plugins?: PluginSpec[];
  models?: ModelConfig[];
  server?: z.infer<typeof ServerConfigSchema>;
  router?: RouterConfig;
  storePrompts?: boolean;
  secret?: string;
  dataDir?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  pluginTimeoutMs?: number;
}
