/**
 * The Bedrock provider plugin: OpenAI chat requests → Converse / ConverseStream, signed
 * with SigV4; answers and event streams translated back to the OpenAI shapes. Embeddings go
 * through InvokeModel (Titan Text Embeddings, Cohere Embed: see embed.ts).
 */
import { randomUUID } from 'node:crypto';
import { definePlugin, parsePluginOptions, type ChatRequest, type ChatResult, type Deployment, type EmbeddingsRequest, type GatewayPlugin, type ProviderCall } from '@switchyard/core';
import { headerValue, readJson, readText, upstreamBuffered, upstreamFetch } from '@switchyard/upstream';
import type { ConverseResponse } from './converse-types.js';
import { bedrockEmbeddings } from './embed.js';
import { bedrockError } from './errors.js';
import { BedrockOptionsSchema, validateBedrockDeployment, type BedrockDeploymentOptions, type BedrockProviderOptions } from './options.js';
import { toConverseRequest } from './request.js';
import { toChatCompletion } from './response.js';
import { credentialSource, signBedrockRequest, type CredentialSource } from './signer.js';
import { streamChunks } from './stream.js';
import { primeStream } from './prime.js';
import { JSON_TOOL_NAME } from './structured.js';
import { withUpstreamHeaders } from './errors.js';

const PLUGIN_NAME = '@switchyard/provider-bedrock';
const VERSION = '0.1.0';

/**
 * The Bedrock runtime endpoint of a region.
 *
 * @example
 * ```ts
 * bedrockEndpoint('eu-west-1'); // https://bedrock-runtime.eu-west-1.amazonaws.com
 * ```
 */
export function bedrockEndpoint(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/**
 * The Bedrock provider.
 *
 * @example
 * ```ts
 * import bedrock from '@switchyard/provider-bedrock';
 * await createGateway({
 *   plugins: [bedrock({ region: 'us-east-1' })], // credentials from the AWS default chain
 *   models: [{ name: 'claude', provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }],
 * });
 * ```
 */
export function bedrockProvider(options?: BedrockProviderOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, BedrockOptionsSchema, options);
  const defaultRegion = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const pluginCredentials = credentialSource(opts);
  const deploymentCredentials = new Map<string, CredentialSource>();

  function credentialsFor(d: Deployment): CredentialSource {
    const o = d.options as BedrockDeploymentOptions;
    if (!o.accessKeyId && !o.profile) return pluginCredentials;
    let source = deploymentCredentials.get(d.id);
    if (!source) deploymentCredentials.set(d.id, (source = credentialSource(o)));
    return source;
  }

  async function chat(request: ChatRequest, call: ProviderCall): Promise<ChatResult> {
    const d = call.deployment;
    const o = d.options as BedrockDeploymentOptions;
    const region = o.region ?? defaultRegion;
    const base = (d.apiBase ?? opts.apiBase ?? bedrockEndpoint(region)).replace(/\/+$/, '');
    const action = request.stream ? 'converse-stream' : 'converse';
    const url = `${base}/model/${encodeURIComponent(d.model)}/${action}`;
    const converse = toConverseRequest({ ...request, model: d.model }, { structuredOutput: o.structuredOutput });
    if (o.guardrailConfig) converse.guardrailConfig = o.guardrailConfig;
    const jsonTool = converse.toolConfig?.tools.some((t) => t.toolSpec.name === JSON_TOOL_NAME) === true;
    const body = JSON.stringify(converse);
    const headers = await signBedrockRequest({
      method: 'POST',
      url,
      headers: {
        ...opts.headers,
        ...o.headers,
        'content-type': 'application/json',
        accept: request.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
      },
      body,
      region,
      credentials: await credentialsFor(d)(),
    });
    const res = await upstreamFetch({ url, headers, body, signal: call.signal, timeoutMs: d.timeoutMs ?? opts.timeoutMs, provider: 'bedrock' });
    const upstreamRequestId = headerValue(res.headers, 'x-amzn-requestid');
    if (res.status >= 400) throw bedrockError(res, await readText(res, 'bedrock'));
    const id = `chatcmpl-${upstreamRequestId ?? randomUUID()}`;
    if (request.stream) {
      try {
        // an exception as the first event (a throttle) is then an HTTP error, not a 200
        return { type: 'stream', chunks: await primeStream(streamChunks(res, { id, model: request.model, jsonTool })), upstreamRequestId };
      } catch (err) {
        throw withUpstreamHeaders(err, res);
      }
    }
    return { type: 'completion', body: toChatCompletion(await readJson<ConverseResponse>(res, 'bedrock'), request.model, id, { jsonTool }), upstreamRequestId };
  }

  /** Embeddings through InvokeModel (Titan, Cohere Embed), each call signed as chat's are. */
  async function embeddings(request: EmbeddingsRequest, call: ProviderCall) {
    const d = call.deployment;
    const o = d.options as BedrockDeploymentOptions;
    const region = o.region ?? defaultRegion;
    const base = (d.apiBase ?? opts.apiBase ?? bedrockEndpoint(region)).replace(/\/+$/, '');
    const url = `${base}/model/${encodeURIComponent(d.model)}/invoke`;
    return bedrockEmbeddings(request, d.model, async (payload) => {
      const body = JSON.stringify(payload);
      const headers = await signBedrockRequest({
        method: 'POST',
        url,
        headers: { ...opts.headers, ...o.headers, 'content-type': 'application/json', accept: 'application/json' },
        body,
        region,
        credentials: await credentialsFor(d)(),
      });
      const res = await upstreamBuffered({ url, headers, body, signal: call.signal, timeoutMs: d.timeoutMs ?? opts.timeoutMs, provider: 'bedrock' });
      if (res.status < 200 || res.status >= 300) throw bedrockError(res, res.text);
      return res;
    });
  }

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.providers.register({
        id: 'bedrock',
        chat,
        embeddings,
        defaults: { apiBase: opts.apiBase, timeoutMs: opts.timeoutMs },
        validateDeployment: (d) => validateBedrockDeployment(d.options),
      });
    },
  });
}
