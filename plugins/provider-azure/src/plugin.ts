/**
 * The Azure provider plugin: registers `azure` (Azure OpenAI) and `azure_ai` (Azure AI
 * Foundry model inference). Both speak the OpenAI chat format, so bodies pass through
 * and streams are relayed chunk by chunk; only URLs, auth and Azure's extras differ. Both
 * serve embeddings (`/openai/deployments/{d}/embeddings`, `/openai/v1/embeddings`, Foundry's
 * `/models/embeddings`).
 */
import { providerKeyMissing, GatewayError, definePlugin, parsePluginOptions, type ChatRequest, type ChatResult, type Deployment, type EmbeddingsRequest, type GatewayPlugin, type PassthroughRequest, type ProviderCall, type UpstreamResponse } from '@switchyard/core';
import { openAIChat, openAIEmbeddings, openAIPassthrough } from '@switchyard/upstream';
import { AzureOptionsSchema, validateAzureDeployment, type AzureDeploymentOptions, type AzureProviderOptions } from './options.js';
import { AZURE_WIRE } from './wire.js';
import { AZURE_AI_API_VERSION, DEFAULT_AZURE_API_VERSION, azureAIUrl, azureAuthHeaders, azureOpenAIUrl, type AzureAuth } from './target.js';

const PLUGIN_NAME = '@switchyard/provider-azure';
const VERSION = '0.1.0';

/**
 * The Azure provider.
 *
 * @example
 * ```ts
 * import azure from '@switchyard/provider-azure';
 * await createGateway({
 *   plugins: [azure({ apiBase: 'https://my-res.openai.azure.com', apiKey: process.env.AZURE_API_KEY })],
 *   models: [{ name: 'gpt-4o', provider: 'azure', model: 'my-gpt4o-deployment', apiVersion: '2024-10-21' }],
 * });
 * ```
 */
export function azureProvider(options?: AzureProviderOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, AzureOptionsSchema, options);
  const env = process.env;
  const azureBase = opts.apiBase ?? env.AZURE_API_BASE ?? env.AZURE_OPENAI_ENDPOINT;
  const azureKey = opts.apiKey ?? env.AZURE_API_KEY ?? env.AZURE_OPENAI_API_KEY;
  const azureVersion = opts.apiVersion ?? env.AZURE_API_VERSION ?? DEFAULT_AZURE_API_VERSION;
  const adToken = opts.azureAdToken ?? env.AZURE_AD_TOKEN;
  const aiBase = opts.azureAi?.apiBase ?? env.AZURE_AI_API_BASE;
  const aiKey = opts.azureAi?.apiKey ?? env.AZURE_AI_API_KEY;
  const aiVersion = opts.azureAi?.apiVersion ?? AZURE_AI_API_VERSION;

  function authFor(d: Deployment, defaultKey: string | undefined): AzureAuth {
    const o = d.options as AzureDeploymentOptions;
    if (d.apiKey) return { apiKey: d.apiKey };
    if (o.azureAdToken) return { azureAdToken: o.azureAdToken };
    return { apiKey: defaultKey, azureAdToken: adToken, azureAdTokenProvider: opts.azureAdTokenProvider };
  }

  function baseFor(d: Deployment, fallback: string | undefined, id: string): string {
    const base = d.apiBase ?? fallback;
    if (!base) {
      throw new GatewayError('GW_ERR_CONFIG_INVALID', `Deployment ${d.id} of provider ${id} has no apiBase (set it on the model, in the plugin options or in the environment).`);
    }
    return base;
  }

  async function headersFor(d: Deployment, auth: AzureAuth, stream: boolean | null | undefined, id = 'azure'): Promise<Record<string, string>> {
    const o = d.options as AzureDeploymentOptions;
    if (!auth.apiKey && !auth.azureAdToken && !auth.azureAdTokenProvider) {
      throw providerKeyMissing(id, id === 'azure_ai' ? ['AZURE_AI_API_KEY', 'AZURE_AD_TOKEN'] : ['AZURE_API_KEY', 'AZURE_OPENAI_API_KEY', 'AZURE_AD_TOKEN']);
    }
    return { accept: stream ? 'text/event-stream' : 'application/json', ...opts.headers, ...o.headers, ...(await azureAuthHeaders(auth)) };
  }

  const upstream = (id: string, url: string, headers: Record<string, string>, body: unknown, call: ProviderCall) => ({
    url,
    headers,
    body: body as Record<string, unknown> | undefined,
    signal: call.signal,
    timeoutMs: call.deployment.timeoutMs ?? opts.timeoutMs,
    provider: id,
  });

  // the OpenAI wire code, with Azure's request-id header and prompt-filter chunks dropped
  const send = (id: string, url: string, headers: Record<string, string>, request: ChatRequest, call: ProviderCall): Promise<ChatResult> =>
    openAIChat(upstream(id, url, headers, request, call), request, AZURE_WIRE);

  /** One embeddings call: OpenAI-shaped both ways, read whole. */
  const embed = (id: string, url: string, headers: Record<string, string>, request: EmbeddingsRequest, call: ProviderCall) =>
    openAIEmbeddings(upstream(id, url, headers, request, call), AZURE_WIRE);

  function azureUrl(d: Deployment, path: string, query?: string): string {
    const o = d.options as AzureDeploymentOptions;
    return azureOpenAIUrl({
      apiBase: baseFor(d, azureBase, 'azure'),
      apiVersion: o.apiVersion ?? azureVersion,
      deployment: o.azureDeployment ?? d.model,
      path,
      query,
    });
  }

  async function azureChat(request: ChatRequest, call: ProviderCall): Promise<ChatResult> {
    const d = call.deployment;
    const o = d.options as AzureDeploymentOptions;
    const body = o.azureDeployment && (o.apiVersion ?? azureVersion) === 'v1' ? { ...request, model: o.azureDeployment } : request;
    return send('azure', azureUrl(d, '/chat/completions'), await headersFor(d, authFor(d, azureKey), request.stream), body, call);
  }

  async function azureEmbeddings(request: EmbeddingsRequest, call: ProviderCall) {
    const d = call.deployment;
    const o = d.options as AzureDeploymentOptions;
    const body = o.azureDeployment && (o.apiVersion ?? azureVersion) === 'v1' ? { ...request, model: o.azureDeployment } : request;
    return embed('azure', azureUrl(d, '/embeddings'), await headersFor(d, authFor(d, azureKey), false), body, call);
  }

  async function azurePassthrough(req: PassthroughRequest, call: ProviderCall): Promise<UpstreamResponse> {
    const d = call.deployment;
    const headers = await headersFor(d, authFor(d, azureKey), req.stream);
    return openAIPassthrough({ ...upstream('azure', azureUrl(d, req.path, req.query), headers, req.body, call), raw: req.raw, method: req.method }, AZURE_WIRE);
  }

  async function azureAiChat(request: ChatRequest, call: ProviderCall): Promise<ChatResult> {
    const d = call.deployment;
    const o = d.options as AzureDeploymentOptions;
    const url = azureAIUrl(baseFor(d, aiBase, 'azure_ai'), '/chat/completions', o.apiVersion ?? aiVersion);
    return send('azure_ai', url, await headersFor(d, authFor(d, aiKey), request.stream, 'azure_ai'), request, call);
  }

  async function azureAiEmbeddings(request: EmbeddingsRequest, call: ProviderCall) {
    const d = call.deployment;
    const o = d.options as AzureDeploymentOptions;
    const url = azureAIUrl(baseFor(d, aiBase, 'azure_ai'), '/embeddings', o.apiVersion ?? aiVersion);
    return embed('azure_ai', url, await headersFor(d, authFor(d, aiKey), false, 'azure_ai'), request, call);
  }

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.providers.register({
        id: 'azure',
        chat: azureChat,
        embeddings: azureEmbeddings,
        // conversations: made upstream on a first native turn (v1 URLs); a 404 (dated API versions) gets the history instead
        // files/batches: a batch runs on the resource, its lines naming the Azure deployment
        nativeApis: ['responses', 'conversations', 'files', 'batches'],
        passthrough: azurePassthrough,
        upstreamModel: (d) => (d.options as AzureDeploymentOptions).azureDeployment ?? d.model,
        // Azure's batch lines and batches name `/chat/completions`, without OpenAI's `/v1`
        upstreamPath: (_d, path) => path.replace(/^\/v1\//, '/'),
        defaults: { apiBase: azureBase, timeoutMs: opts.timeoutMs },
        validateDeployment: (d) => {
          validateAzureDeployment(d.options);
          baseFor(d, azureBase, 'azure');
        },
      });
      gateway.providers.register({
        id: 'azure_ai',
        chat: azureAiChat,
        embeddings: azureAiEmbeddings,
        defaults: { apiBase: aiBase, timeoutMs: opts.timeoutMs },
        validateDeployment: (d) => {
          validateAzureDeployment(d.options);
          baseFor(d, aiBase, 'azure_ai');
        },
      });
    },
  });
}
