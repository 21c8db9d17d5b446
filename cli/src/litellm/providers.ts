/**
 * LiteLLM's `provider/model` strings to Switchyard provider ids and the plugins that register
 * them. OpenAI-compatible servers LiteLLM knows by prefix are served by the OpenAI provider
 * with their base URL and LiteLLM's key variable.
 */

/** Where a LiteLLM deployment goes in Switchyard. */
export interface ProviderTarget {
  /** The LiteLLM provider prefix (`azure`, `hosted_vllm`, ...). */
  litellm: string;
  /** The Switchyard provider id. */
  provider: string;
  /** The package that registers it. */
  plugin: string;
  /** The upstream model id. */
  model: string;
  /** Base URL when the config gives none (OpenAI-compatible servers). */
  apiBase?: string;
  /** The server's OpenAI API lives under `/v1`: a bare `api_base` gets it appended. */
  v1?: boolean;
  /** A server that needs an `api_base` (no public default). */
  needsBase?: boolean;
  /** LiteLLM's key variable for this server, used when the config gives no key. */
  keyEnv?: string;
  /** An OpenAI-compatible server that is not OpenAI: never sent the OpenAI key. */
  compatible?: boolean;
  /** How this differs from LiteLLM, for a warning. */
  note?: { pattern: string; reason: string };
}

const PLUGIN = {
  openai: '@switchyard/provider-openai',
  azure: '@switchyard/provider-azure',
  anthropic: '@switchyard/provider-anthropic',
  gemini: '@switchyard/provider-gemini',
  bedrock: '@switchyard/provider-bedrock',
} as const;

const NATIVE: Readonly<Record<string, { provider: string; plugin: string }>> = {
  openai: { provider: 'openai', plugin: PLUGIN.openai },
  azure: { provider: 'azure', plugin: PLUGIN.azure },
  azure_ai: { provider: 'azure_ai', plugin: PLUGIN.azure },
  anthropic: { provider: 'anthropic', plugin: PLUGIN.anthropic },
  gemini: { provider: 'gemini', plugin: PLUGIN.gemini },
  vertex_ai: { provider: 'vertex_ai', plugin: PLUGIN.gemini },
  bedrock: { provider: 'bedrock', plugin: PLUGIN.bedrock },
};

type Compatible = Pick<ProviderTarget, 'apiBase' | 'v1' | 'needsBase' | 'keyEnv'>;

/** OpenAI-compatible servers by LiteLLM prefix. */
export const COMPATIBLE: Readonly<Record<string, Compatible>> = {
  hosted_vllm: { needsBase: true, v1: true },
  ollama: { apiBase: 'http://localhost:11434/v1', v1: true },
  ollama_chat: { apiBase: 'http://localhost:11434/v1', v1: true },
  lm_studio: { apiBase: 'http://localhost:1234/v1', v1: true },
  litellm_proxy: { needsBase: true, keyEnv: 'LITELLM_PROXY_API_KEY' },
  openrouter: { apiBase: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY' },
  groq: { apiBase: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY' },
  deepseek: { apiBase: 'https://api.deepseek.com/v1', keyEnv: 'DEEPSEEK_API_KEY' },
  mistral: { apiBase: 'https://api.mistral.ai/v1', keyEnv: 'MISTRAL_API_KEY' },
  together_ai: { apiBase: 'https://api.together.xyz/v1', keyEnv: 'TOGETHERAI_API_KEY' },
  fireworks_ai: { apiBase: 'https://api.fireworks.ai/inference/v1', keyEnv: 'FIREWORKS_AI_API_KEY' },
  xai: { apiBase: 'https://api.x.ai/v1', keyEnv: 'XAI_API_KEY' },
  perplexity: { apiBase: 'https://api.perplexity.ai', keyEnv: 'PERPLEXITYAI_API_KEY' },
  deepinfra: { apiBase: 'https://api.deepinfra.com/v1/openai', keyEnv: 'DEEPINFRA_API_KEY' },
};

/** LiteLLM's providers that Switchyard serves, for the README and warnings. */
export const SERVED_PREFIXES: readonly string[] = [...Object.keys(NATIVE), ...Object.keys(COMPATIBLE)];

/**
 * The Switchyard target of a LiteLLM model string, or why it has none.
 *
 * @example
 * ```ts
 * targetOf('azure/my-gpt4o'); // { provider: 'azure', model: 'my-gpt4o', plugin: '@switchyard/provider-azure', ... }
 * targetOf('cohere/command-r'); // { unsupported: '...' }
 * ```
 */
export function targetOf(model: string, customProvider?: string): ProviderTarget | { unsupported: string } {
  let prefix: string;
  let rest: string;
  const slash = model.indexOf('/');
  const head = slash > 0 ? model.slice(0, slash) : '';
  if (customProvider) {
    prefix = customProvider;
    rest = head === customProvider ? model.slice(slash + 1) : model;
  } else if (head) {
    prefix = head;
    rest = model.slice(slash + 1);
  } else {
    // no provider prefix: LiteLLM infers it from the model's name
    prefix = /^claude/.test(model) ? 'anthropic' : 'openai';
    rest = model;
  }
  if (!rest) return { unsupported: `"${model}" names no model` };
  const native = NATIVE[prefix];
  if (native) return nativeTarget(prefix, native, rest);
  const compatible = COMPATIBLE[prefix];
  if (compatible) return { litellm: prefix, provider: 'openai', plugin: PLUGIN.openai, model: rest, compatible: true, ...compatible };
  return { unsupported: `LiteLLM provider "${prefix}" has no Switchyard provider (served: ${SERVED_PREFIXES.join(', ')})` };
}

function nativeTarget(prefix: string, native: { provider: string; plugin: string }, rest: string): ProviderTarget | { unsupported: string } {
  const base = { litellm: prefix, ...native };
  if (prefix === 'bedrock') {
    // bedrock/converse/<id> is the Converse API Switchyard speaks; bedrock/invoke/<id> is served through it too
    if (rest.startsWith('converse/')) return { ...base, model: rest.slice('converse/'.length) };
    if (rest.startsWith('invoke/')) return { ...base, model: rest.slice('invoke/'.length), note: { pattern: 'bedrock/invoke/...', reason: 'served through the Converse API' } };
    return { ...base, model: rest };
  }
  if (prefix === 'vertex_ai' && (/^claude/.test(rest) || rest.includes('/'))) {
    return { unsupported: `vertex_ai/${rest}: only Google's own models are served on Vertex AI (no partner models such as Claude or Llama)` };
  }
  return { ...base, model: rest };
}
