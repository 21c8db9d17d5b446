/**
 * The gateway configs under test: minimal (the OpenAI provider only) and production (store,
 * sessions, cost, file log, OTel), built from the plugins that exist in this checkout.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Upstream origins the configs point at. */
export interface Upstreams {
  fast: string;
  paced: string;
  idle: string;
  bulk: string;
}

/** The production plugins, in load order, with the options to try (first accepted wins). */
const PRODUCTION: ReadonlyArray<{ name: string; dir: string; options: (tmp: string) => Array<Record<string, unknown>> }> = [
  { name: '@switchyard/store-sqlite', dir: 'store-sqlite', options: (tmp) => [{}, { path: path.join(tmp, 'bench.db') }] },
  { name: '@switchyard/session-tracker', dir: 'session-tracker', options: () => [{}] },
  { name: '@switchyard/cost-tracker', dir: 'cost-tracker', options: () => [{}] },
  {
    name: '@switchyard/logger-file',
    dir: 'logger-file',
    options: (tmp) => [{ path: path.join(tmp, 'calls.log') }, { file: path.join(tmp, 'calls.log') }, { filename: path.join(tmp, 'calls.log') }, {}],
  },
  { name: '@switchyard/otel', dir: 'otel', options: () => [{ spanExporter: NOOP_EXPORTER }] },
  // in the embedded default: its log tap (the live feed, no browser listening) is on every call
  { name: '@switchyard/console', dir: 'console', options: () => [{}] },
];

/**
 * A span exporter that drops spans (the config file builds its own copy): spans are still
 * created, ended and batched, nothing is sent.
 */
const NOOP_EXPORTER = Object.freeze({
  export: (_spans: unknown, done: (r: { code: number }) => void) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
});
const NOOP_SOURCE = `{
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
}`;
const NOOP_MARK = '__SWITCHYARD_BENCH_NOOP_EXPORTER__';

/** A production plugin and whether it is in the config. */
export interface PluginStatus {
  name: string;
  included: boolean;
  options?: Record<string, unknown>;
  /** Why it is left out ("pending": no default-exported factory yet). */
  reason?: string;
  needs?: readonly string[];
  provides?: readonly string[];
}

function models(up: Upstreams) {
  const base = { provider: 'openai', model: 'gpt-4o', apiKey: 'sk-emulator' };
  return [
    { name: 'bench', apiBase: `${up.fast}/v1`, ...base },
    { name: 'bench-paced', apiBase: `${up.paced}/v1`, ...base },
    { name: 'bench-idle', apiBase: `${up.idle}/v1`, ...base },
    { name: 'bench-bulk', apiBase: `${up.bulk}/v1`, ...base },
  ];
}

/**
 * Which production plugins this checkout can load: a package counts once its source
 * default-exports a factory that accepts one of the option sets tried.
 *
 * @example
 * ```ts
 * const plugins = await productionPlugins(repoRoot, tmpDir);
 * ```
 */
export async function productionPlugins(repoRoot: string, tmp: string): Promise<PluginStatus[]> {
  const out: PluginStatus[] = [];
  for (const p of PRODUCTION) {
    if (!existsSync(path.join(repoRoot, 'plugins', p.dir, 'src', 'index.ts'))) {
      out.push({ name: p.name, included: false, reason: 'pending (package has no sources yet)' });
      continue;
    }
    let factory: unknown;
    try {
      factory = ((await import(p.name)) as { default?: unknown }).default;
    } catch (err) {
      out.push({ name: p.name, included: false, reason: `pending (import failed: ${(err as Error).message.split('\n')[0]})` });
      continue;
    }
    if (typeof factory !== 'function') {
      out.push({ name: p.name, included: false, reason: 'pending (no default-exported factory)' });
      continue;
    }
    let accepted: Record<string, unknown> | undefined;
    let plugin: { dependencies?: readonly string[]; provides?: readonly string[] } = {};
    let lastError = '';
    for (const options of p.options(tmp)) {
      try {
        plugin = (factory as (o: Record<string, unknown>) => typeof plugin)(options);
        accepted = options;
        break;
      } catch (err) {
        lastError = (err as Error).message.split('\n')[0]!;
      }
    }
    if (accepted) out.push({ name: p.name, included: true, options: accepted, needs: plugin.dependencies, provides: plugin.provides });
    else out.push({ name: p.name, included: false, reason: `options rejected: ${lastError}` });
  }
  return dropUnmet(out);
}

/** Leaves out plugins whose dependencies no included plugin is or provides. */
function dropUnmet(list: PluginStatus[]): PluginStatus[] {
  for (let changed = true; changed; ) {
    changed = false;
    const have = new Set(['@switchyard/provider-openai', 'provider']);
    for (const p of list) if (p.included) for (const n of [p.name, ...(p.provides ?? [])]) have.add(n);
    for (const p of list) {
      const missing = p.included ? (p.needs ?? []).filter((n) => !have.has(n)) : [];
      if (missing.length) {
        p.included = false;
        p.reason = `pending (needs ${missing.join(', ')})`;
        changed = true;
      }
    }
  }
  return list.map(({ needs: _n, provides: _p, ...rest }) => rest);
}

/**
 * Writes a gateway config file (an ES module, so it can hold the no-op span exporter) and
 * returns its path.
 *
 * @example
 * ```ts
 * const file = writeConfig(tmp, 'minimal', upstreams, []);
 * ```
 */
export function writeConfig(tmp: string, name: string, up: Upstreams, plugins: readonly PluginStatus[], server?: Record<string, unknown>): string {
  mkdirSync(tmp, { recursive: true });
  const dataDir = path.join(tmp, `data-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const config = {
    plugins: ['@switchyard/provider-openai', ...plugins.filter((p) => p.included).map((p) => [p.name, p.options ?? {}])],
    models: models(up),
    dataDir,
    logLevel: 'warn',
    secret: 'switchyard-bench-secret-0123456789',
    ...(server ? { server } : {}),
  };
  const json = JSON.stringify(config, (_k, v: unknown) => (v === NOOP_EXPORTER ? NOOP_MARK : v), 2);
  const file = path.join(tmp, `${name}.config.mjs`);
  writeFileSync(file, `// written by the Switchyard benchmark\nexport default ${json.replace(`"${NOOP_MARK}"`, NOOP_SOURCE)};\n`);
  return file;
}
