/**
 * The OpenAI provider plugin: OpenAI and any OpenAI-compatible server (vLLM, Ollama,
 * LM Studio, Groq, ...). Requests and streams pass through; streams chunk by chunk; embeddings
 * go to `{apiBase}/embeddings` as they are.
 */
import {
  GatewayError,
  definePlugin,
  expectEventStream,
  headerValue,
  isHost,
  parseDeploymentOptions,
  parsePluginOptions,
  parseJson,
  providerKeyMissing,
  readText,
  sseEvents,
  upstreamBuffered,
  upstreamFetch,
  z,
  type ChatChunk,
  type ChatCompletion,
  type ChatRequest,
  type ChatResult,
  type Deployment,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type GatewayPlugin,
  type PassthroughRequest,
  type ProviderCall,
  type UpstreamResponse,
} from '@switchyard/core';
import { openAIError, streamError } from './errors.js';

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

  async function* chunks(res: UpstreamResponse): AsyncGenerator<ChatChunk> {
    for await (const ev of sseEvents(res, id)) {
      if (ev.data === '[DONE]') return;
      let parsed: ChatChunk & { error?: unknown };
      try {
        parsed = JSON.parse(ev.data) as ChatChunk & { error?: unknown };
      } catch {
        throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${id} upstream sent a stream event that is not JSON.`, {
          publicCode: 'upstream_invalid_response',
          expose: true,
        });
      }
      if (ev.event === 'error' || parsed.error) throw streamError(parsed.error ?? parsed, id);
      yield parsed;
    }
  }

  async function chat(request: ChatRequest, call: ProviderCall): Promise<ChatResult> {
    const d = call.deployment;
    const upstream = {
      url: `${trimSlash(d.apiBase ?? defaultBase)}/chat/completions`,
      headers: request.stream ? { ...headersFor(d), accept: 'text/event-stream' } : headersFor(d),
      body: request,
      signal: call.signal,
      timeoutMs: d.timeoutMs ?? opts.timeoutMs,
      provider: id,
    };
    if (!request.stream) {
      // read whole: no response stream object per call
      const res = await upstreamBuffered(upstream);
      const upstreamRequestId = headerValue(res.headers, 'x-request-id');
      if (res.status < 200 || res.status >= 300) throw openAIError(res, res.text, id);
      return { type: 'completion', body: parseJson<ChatCompletion>(res.text, id), upstreamRequestId };
    }
    const res = await upstreamFetch(upstream);
    const upstreamRequestId = headerValue(res.headers, 'x-request-id');
    if (res.status < 200 || res.status >= 300) throw openAIError(res, await readText(res, id), id);
    await expectEventStream(res, id);
    return { type: 'stream', chunks: chunks(res), upstreamRequestId };
  }

  async function embeddings(request: EmbeddingsRequest, call: ProviderCall): Promise<{ body: EmbeddingsResponse; upstreamRequestId?: string }> {
    const d = call.deployment;
    // read whole; `encoding_format` goes as the client asked (the SDK asks base64: a quarter of the bytes)
    const res = await upstreamBuffered({
      url: `${trimSlash(d.apiBase ?? defaultBase)}/embeddings`,
      headers: headersFor(d),
      body: request,
      signal: call.signal,
      timeoutMs: d.timeoutMs ?? opts.timeoutMs,
      provider: id,
    });
    const upstreamRequestId = headerValue(res.headers, 'x-request-id');
    if (res.status < 200 || res.status >= 300) throw openAIError(res, res.text, id);
    return { body: parseJson<EmbeddingsResponse>(res.text, id), upstreamRequestId };
  }

  async function passthrough(req: PassthroughRequest, call: ProviderCall): Promise<UpstreamResponse> {
    const d = call.deployment;
    const headers = req.stream ? { ...headersFor(d), accept: 'text/event-stream' } : headersFor(d);
    const res = await upstreamFetch({
      method: req.method,
      url: `${trimSlash(d.apiBase ?? defaultBase)}${req.path}${req.query ? `?${req.query}` : ''}`,
      headers,
      body: req.body as Record<string, unknown> | undefined,
      signal: call.signal,
      timeoutMs: d.timeoutMs ?? opts.timeoutMs,
      provider: id,
    });
    if (res.status < 200 || res.status >= 300) throw openAIError(res, await readText(res, id), id);
    return res;
  }

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.providers.register({
        id,
        chat,
        embeddings,
        // conversations: made upstream on a first native turn; a server without the API (404) gets the history instead
        nativeApis: ['responses', 'conversations'],
        passthrough,
        defaults: { apiBase: defaultBase, apiKey: defaultKey, timeoutMs: opts.timeoutMs },
        validateDeployment: (deployment) => void parseDeploymentOptions(DeploymentSchema, deployment.options),
      });
    },
  });
}
