/**
 * The OpenAI provider plugin: OpenAI and any OpenAI-compatible server (vLLM, Ollama,
 * LM Studio, Groq, ...). Requests and streams pass through; streams chunk by chunk; embeddings
 * go to `{apiBase}/embeddings` as they are. The wire code (chat, stream, errors) is
 * `@switchyard/upstream`'s, shared with every OpenAI-compatible provider.
 */
import { definePlugin, isHost, parseDeploymentOptions, parsePluginOptions, providerKeyMissing, z, type ChatRequest, type AbortLike, type ChatResult, type Deployment, type EmbeddingsRequest, type GatewayPlugin, type PassthroughRequest, type ProviderCall, type UpstreamResponse } from '@switchyard/core';
import { openAIChat, openAIEmbeddings, openAIPassthrough } from '@switchyard/upstream';

const PLUGIN_NAME = '@switchyard/provider-openai';
const VERSION = '0.1.0';

const OptionsSchema = z.strictObject({
  /** Provider id deployments refer to (default `openai`); register twice with ids for two servers. */
  id: z.string().min(1).optional(),
  /** Default base URL (default: $OPENAI_BASE_URL or https://api.openai.com/v1). */
  apiBase: z.url().optional(),
  /** Default API key (default: $OPENAI_API_KEY). */
  apiKey: z.string().optional(),
  organization: z.string().optional(),
  project: z.string().optional(),
  /** Extra headers on every upstream request. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Default upstream timeout in ms. */
  timeoutMs: z.number().int().positive().optional(),
});

const DeploymentSchema = z.strictObject({
  organization: z.string().optional(),
  project: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** Options of the OpenAI provider. */
export type OpenAIProviderOptions = z.input<typeof OptionsSchema>;

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/**
 * The OpenAI provider.
 *
 * @example
 * ```ts
 * import openai from '@switchyard/provider-openai';
 * await createGateway({
 *   plugins: [openai()],
 *   models: [{ name: 'llama', provider: 'openai', model: 'llama3', apiBase: 'http://127.0.0.1:11434/v1' }],
 * });
 * ```
 */
export function openaiProvider(options?: OpenAIProviderOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  const id = opts.id ?? 'openai';
  const defaultBase = opts.apiBase ?? process.env.OPENAI_BASE_URL ?? process.env.OPENAI_API_BASE ?? 'https://api.openai.com/v1';
  const defaultKey = opts.apiKey ?? process.env.OPENAI_API_KEY;

  function headersFor(d: Deployment): Record<string, string> {
    const o = d.options as z.infer<typeof DeploymentSchema>;
    const h: Record<string, string> = { accept: 'application/json', ...opts.headers, ...o.headers };
    const key = d.apiKey ?? defaultKey;
    if (key) h.authorization = `Bearer ${key}`;
    // OpenAI itself always needs a key (a custom apiBase may be a local server that needs none)
    else if (isHost(d.apiBase ?? defaultBase, 'api.openai.com')) throw providerKeyMissing(id, ['OPENAI_API_KEY']);
    const org = o.organization ?? opts.organization;
    if (org) h['openai-organization'] = org;
    const project = o.project ?? opts.project;
    if (project) h['openai-project'] = project;
    return h;
  }

  /**
   * A deployment's headers for JSON and for event-stream answers, built once and rebuilt only
   * when its key, base or options change (not on every call).
   */
  const built = new WeakMap<Deployment, { key: string | undefined; base: string | undefined; options: unknown; json: Record<string, string>; sse: Record<string, string> }>();
  function headersOf(d: Deployment, stream: boolean | null | undefined): Record<string, string> {
    let b = built.get(d);
    if (b === undefined || b.key !== d.apiKey || b.base !== d.apiBase || b.options !== d.options) {
      const json = Object.freeze({ ...headersFor(d), 'content-type': 'application/json' });
      b = { key: d.apiKey, base: d.apiBase, options: d.options, json, sse: Object.freeze({ ...json, accept: 'text/event-stream' }) };
      built.set(d, b);
    }
    return stream ? b.sse : b.json;
  }

  const upstream = (d: Deployment, url: string, body: unknown, signal: AbortLike, stream?: boolean | null, headers = headersOf(d, stream)) => ({
    url,
    headers,
    body: body as Record<string, unknown> | undefined,
    signal,
    timeoutMs: d.timeoutMs ?? opts.timeoutMs,
    provider: id,
  });

  const chat = (request: ChatRequest, call: ProviderCall): Promise<ChatResult> =>
    openAIChat(upstream(call.deployment, `${trimSlash(call.deployment.apiBase ?? defaultBase)}/chat/completions`, request, call.abort ?? call.signal, request.stream), request);

  // read whole; `encoding_format` goes as the client asked (the SDK asks base64: a quarter of the bytes)
  const embeddings = (request: EmbeddingsRequest, call: ProviderCall) =>
    openAIEmbeddings(upstream(call.deployment, `${trimSlash(call.deployment.apiBase ?? defaultBase)}/embeddings`, request, call.signal));

  const passthrough = (req: PassthroughRequest, call: ProviderCall): Promise<UpstreamResponse> => {
    const url = `${trimSlash(call.deployment.apiBase ?? defaultBase)}${req.path}${req.query ? `?${req.query}` : ''}`;
    const headers = req.stream ? { ...headersFor(call.deployment), accept: 'text/event-stream' } : headersFor(call.deployment);
    return openAIPassthrough({ ...upstream(call.deployment, url, req.body, call.abort ?? call.signal, req.stream, headers), raw: req.raw, method: req.method });
  };

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.providers.register({
        id,
        chat,
        embeddings,
        // conversations: made upstream on a first native turn; a server without the API (404) gets the history instead
        // files/batches: a batch of this deployment's model runs upstream (`@switchyard/batches`)
        nativeApis: ['responses', 'conversations', 'files', 'batches'],
        passthrough,
        defaults: { apiBase: defaultBase, apiKey: defaultKey, timeoutMs: opts.timeoutMs },
        validateDeployment: (deployment) => void parseDeploymentOptions(DeploymentSchema, deployment.options),
      });
    },
  });
}
