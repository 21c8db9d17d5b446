/**
 * The model table: public model names to deployments, from the config's `models` list and
 * from `provider/model` names for loaded providers.
 */
import { GatewayError } from '../errors.js';
import type { ModelTable, ProviderRegistry } from '../gateway-api.js';
import type { Deployment, ProviderAdapter } from '../types/index.js';
import { MODEL_KEYS, PRICING_KEYS, type ModelConfig } from '../config/schema.js';
import { unknownKeys } from '../config/suggest.js';

const ROUTING_KEYS = ['weight', 'rpm', 'tpm', 'maxInputTokens'] as const;
const KNOWN = new Set<string>(['name', 'provider', 'model', 'apiBase', 'apiKey', 'timeoutMs', 'params', 'id', ...PRICING_KEYS, ...ROUTING_KEYS]);

/** The model table the runner reads (the router orders its deployments per call). */
export type ResolvingModelTable = ModelTable;

function toDeployment(entry: ModelConfig, index: number): Deployment {
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!KNOWN.has(k)) options[k] = v;
  const pricing: Record<string, number> = {};
  for (const k of PRICING_KEYS) if (typeof entry[k] === 'number') pricing[k] = entry[k];
  return {
    ...(Object.keys(pricing).length ? { pricing } : {}),
    id: entry.id ?? `${entry.name}#${index}`,
    name: entry.name,
    provider: entry.provider,
    model: entry.model ?? entry.name,
    apiBase: entry.apiBase,
    apiKey: entry.apiKey,
    timeoutMs: entry.timeoutMs,
    params: entry.params,
    ...(entry.weight !== undefined ? { weight: entry.weight } : {}),
    ...(entry.rpm !== undefined ? { rpm: entry.rpm } : {}),
    ...(entry.tpm !== undefined ? { tpm: entry.tpm } : {}),
    ...(entry.maxInputTokens !== undefined ? { maxInputTokens: entry.maxInputTokens } : {}),
    options,
  };
}

/**
 * Builds and validates the model table once every provider is registered. Unknown
 * providers and invalid provider options fail boot.
 *
 * @example
 * ```ts
 * const table = createModelTable([{ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o' }], providers);
 * table.lookup('gpt-4o'); // its deployments, in config order
 * ```
 */
export function createModelTable(entries: readonly ModelConfig[], providers: ProviderRegistry): ResolvingModelTable {
  const deployments = entries.map(toDeployment);
  const byName = new Map<string, Deployment[]>();
  deployments.forEach((d, i) => {
    const adapter = providers.get(d.provider);
    if (!adapter) {
      const loaded = providers.list().map((p) => p.id).join(', ') || 'none';
      throw new GatewayError(
        'GW_ERR_PROVIDER_UNKNOWN',
        `models[${i}] (${d.name}) uses provider "${d.provider}", but no loaded plugin registers it (loaded: ${loaded})`,
      );
    }
    if (Object.keys(d.options).length > 0 && !adapter.validateDeployment) {
      throw new GatewayError(
        'GW_ERR_CONFIG_INVALID',
        `${unknownKeys(Object.keys(d.options), MODEL_KEYS, `models[${i}] (${d.name})`)}: provider "${d.provider}" takes no other keys`,
      );
    }
    try {
      adapter.validateDeployment?.(d);
    } catch (err) {
      throw new GatewayError('GW_ERR_CONFIG_INVALID', `models[${i}] (${d.name}): ${(err as Error).message}`, { cause: err });
    }
    if (!d.pricing && adapter.defaults?.pricing) d.pricing = adapter.defaults.pricing;
    byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  });

  const dynamic = new Map<string, Deployment[]>();

  const lookup = (name: string): readonly Deployment[] => {
    const configured = byName.get(name);
    if (configured) return configured;
    const cached = dynamic.get(name);
    if (cached) return cached;
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) return [];
    const adapter = providers.get(name.slice(0, slash));
    if (!adapter) return [];
    const d: Deployment = {
      id: name,
      name,
      provider: adapter.id,
      model: name.slice(slash + 1),
      apiBase: adapter.defaults?.apiBase,
      apiKey: adapter.defaults?.apiKey,
      timeoutMs: adapter.defaults?.timeoutMs,
      options: { ...adapter.defaults?.options },
      ...(adapter.defaults?.pricing ? { pricing: adapter.defaults.pricing } : {}),
    };
    if (dynamic.size > 10_000) dynamic.clear(); // bounded: names come from clients
    dynamic.set(name, [d]);
    return [d];
  };

  return {
    deployments,
    lookup,
    names: () => {
      const names = new Set(byName.keys());
      for (const p of providers.list()) for (const m of p.models ?? []) names.add(`${p.id}/${m}`);
      return [...names];
    },
  };
}

/**
 * A provider registry.
 *
 * @example
 * ```ts
 * const providers = createProviderRegistry();
 * providers.register(myAdapter);
 * ```
 */
export function createProviderRegistry(): ProviderRegistry {
  const map = new Map<string, ProviderAdapter>();
  return {
    register(adapter) {
      if (!adapter || typeof adapter.id !== 'string' || typeof adapter.chat !== 'function') {
        throw new GatewayError('GW_ERR_PLUGIN_INVALID', 'a provider adapter needs a string "id" and a chat() function');
      }
      if (map.has(adapter.id)) {
        throw new GatewayError('GW_ERR_PROVIDER_DUPLICATE', `provider "${adapter.id}" is registered twice`);
      }
      map.set(adapter.id, adapter);
    },
    get: (id) => map.get(id),
    list: () => [...map.values()],
  };
}
