/**
 * Where pass-through sends the Assistants API: an OpenAI or Azure OpenAI endpoint named in
 * the plugin's options (LiteLLM's `assistant_settings`), or the deployments of a model the
 * gateway serves (their URL and key). OpenAI is sent `OpenAI-Beta: assistants=v2` and a
 * Bearer key; Azure its `/openai/...?api-version=` URLs and an `api-key`.
 */
import { GatewayError, type Deployment, type PluginApi } from '@switchyard/core';

/** The API version an Azure target uses unless configured (the Assistants API v2 is in the previews). */
export const AZURE_ASSISTANTS_API_VERSION = '2024-05-01-preview';

/** One upstream Assistants API. */
export interface Target {
  /** What the id map records (`passthrough` for the options' endpoint, else a deployment id). */
  readonly id: string;
  readonly provider: 'openai' | 'azure';
  /** The URL of `path` (below the API root, e.g. `/assistants`) with `query` (no `?`). */
  url(path: string, query: string): string;
  headers(): Record<string, string>;
  readonly timeoutMs?: number;
}

/** Pass-through to an endpoint. */
export interface EndpointSettings {
  provider: 'openai' | 'azure';
  apiKey?: string;
  apiBase?: string;
  apiVersion?: string;
  organization?: string;
  timeoutMs?: number;
}

const trim = (s: string) => s.replace(/\/+$/, '');

/**
 * The target of endpoint settings (keys and URLs default to the providers' environment
 * variables: `OPENAI_API_KEY`/`OPENAI_BASE_URL`, `AZURE_API_KEY`/`AZURE_API_BASE`/`AZURE_API_VERSION`).
 *
 * @example
 * ```ts
 * const t = endpointTarget({ provider: 'azure', apiBase: 'https://r.openai.azure.com', apiKey, apiVersion: '2024-05-01-preview' }, 'passthrough');
 * t.url('/assistants', 'limit=20'); // https://r.openai.azure.com/openai/assistants?api-version=2024-05-01-preview&limit=20
 * ```
 */
export function endpointTarget(s: EndpointSettings, id: string, env: NodeJS.ProcessEnv = process.env): Target {
  if (s.provider === 'azure') {
    const base = s.apiBase ?? env.AZURE_API_BASE ?? env.AZURE_OPENAI_ENDPOINT;
    const key = s.apiKey ?? env.AZURE_API_KEY ?? env.AZURE_OPENAI_API_KEY;
    if (!base) throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', '@switchyard/assistants: pass-through to Azure needs apiBase (or $AZURE_API_BASE)');
    if (!key) throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', '@switchyard/assistants: pass-through to Azure needs apiKey (or $AZURE_API_KEY)');
    const version = s.apiVersion ?? env.AZURE_API_VERSION ?? AZURE_ASSISTANTS_API_VERSION;
    const root = trim(base).replace(/\/openai$/, '');
    return {
      id,
      provider: 'azure',
      timeoutMs: s.timeoutMs,
      url: (path, query) =>
        version === 'v1' ? `${root}/openai/v1${path}${query ? `?${query}` : ''}` : `${root}/openai${path}?api-version=${encodeURIComponent(version)}${query ? `&${query}` : ''}`,
      headers: () => ({ 'api-key': key, 'openai-beta': 'assistants=v2' }),
    };
  }
  const base = trim(s.apiBase ?? env.OPENAI_BASE_URL ?? env.OPENAI_API_BASE ?? 'https://api.openai.com/v1');
  const key = s.apiKey ?? env.OPENAI_API_KEY;
  if (!key) throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', '@switchyard/assistants: pass-through to OpenAI needs apiKey (or $OPENAI_API_KEY)');
  return {
    id,
    provider: 'openai',
    timeoutMs: s.timeoutMs,
    url: (path, query) => `${base}${path}${query ? `?${query}` : ''}`,
    headers: () => ({ authorization: `Bearer ${key}`, 'openai-beta': 'assistants=v2', ...(s.organization ? { 'openai-organization': s.organization } : {}) }),
  };
}

/**
 * The targets of a model's deployments (OpenAI or Azure ones), in config order.
 *
 * @example
 * ```ts
 * const targets = deploymentTargets(gateway, 'gpt-4o');
 * ```
 */
export function deploymentTargets(api: PluginApi, model: string): Target[] {
  const ds = api.models.lookup(model) as readonly Deployment[];
  if (ds.length === 0) throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `@switchyard/assistants: pass-through names the model '${model}', which the gateway does not serve`);
  return ds.map((d) => {
    if (d.provider !== 'openai' && d.provider !== 'azure') {
      throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `@switchyard/assistants: pass-through needs OpenAI or Azure deployments; '${model}' has one on '${d.provider}' (${d.id})`);
    }
    const defaults = api.providers.get(d.provider)?.defaults;
    return endpointTarget(
      {
        provider: d.provider,
        apiBase: d.apiBase ?? defaults?.apiBase,
        apiKey: d.apiKey ?? defaults?.apiKey,
        apiVersion: typeof d.options.apiVersion === 'string' ? d.options.apiVersion : undefined,
        timeoutMs: d.timeoutMs,
      },
      d.id,
    );
  });
}
