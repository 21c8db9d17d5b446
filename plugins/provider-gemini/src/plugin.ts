/**
 * The Gemini provider plugin: registers `gemini` (Google AI Studio, API key) and
 * `vertex_ai` (Vertex AI, project/location URL, bearer token), both speaking the
 * `generateContent` wire format through one shared adapter, and embeddings (AI Studio
 * `batchEmbedContents`, Vertex `predict` / `embedContent`: see embed.ts).
 */
import { GatewayError, definePlugin, isHost, parseDeploymentOptions, parsePluginOptions, providerKeyMissing, z, type Deployment, type GatewayPlugin } from '@switchyard/core';
import { geminiChat, methodSuffix, modelSegment } from './adapter.js';
import { VertexAuth } from './auth.js';
import { studioEmbeddings, vertexEmbeddings } from './embed.js';
import type { RequestMappingOptions } from './request.js';

const PLUGIN_NAME = '@switchyard/provider-gemini';
const VERSION = '0.1.0';

/** Google AI Studio's default base URL. */
export const GEMINI_API_BASE = 'https://generativelanguage.googleapis.com';

/** Model ids advertised by default for both provider ids. */
export const GEMINI_MODELS: readonly string[] = Object.freeze(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite']);

const SafetySetting = z.looseObject({ category: z.string().min(1), threshold: z.string().min(1) });
const Budgets = z.strictObject({
  none: z.number().int().min(0).optional(),
  minimal: z.number().int().min(0).optional(),
  low: z.number().int().min(0).optional(),
  medium: z.number().int().min(0).optional(),
  high: z.number().int().min(0).optional(),
});
const Common = {
  /** Extra headers on every upstream request. */
  headers: z.record(z.string(), z.string()).optional(),
  /** `safetySettings` sent with every request. */
  safetySettings: z.array(SafetySetting).optional(),
  /** Thinking budgets per `reasoning_effort` (defaults: none 0, minimal 128, low 1024, medium 2048, high 4096). */
  thinkingBudgets: Budgets.optional(),
  /** Tool parameters as JSON Schema (`parametersJsonSchema`, default) or as the OpenAPI subset (`parameters`, for models without JSON Schema support). */
  toolSchemas: z.enum(['jsonSchema', 'openapi']).optional(),
};
const VertexFields = {
  /** Google Cloud project (default: the service account's `project_id`, $GOOGLE_CLOUD_PROJECT, $VERTEXAI_PROJECT). */
  project: z.string().min(1).optional(),
  /** Region (default: $VERTEXAI_LOCATION, $GOOGLE_CLOUD_LOCATION or `us-central1`); `global` is allowed. */
  location: z.string().min(1).optional(),
  /** Service-account JSON, inline or as a file path (default: $GOOGLE_APPLICATION_CREDENTIALS, then ADC). */
  credentials: z.string().min(1).optional(),
  /** A ready OAuth access token (skips credentials). */
  accessToken: z.string().min(1).optional(),
};

const OptionsSchema = z.strictObject({
  ...Common,
  /** AI Studio base URL (default: $GEMINI_API_BASE or https://generativelanguage.googleapis.com). */
  apiBase: z.url().optional(),
  /** AI Studio API key (default: $GEMINI_API_KEY, then $GOOGLE_API_KEY). */
  apiKey: z.string().optional(),
  /** Default upstream timeout in ms. */
  timeoutMs: z.number().int().positive().optional(),
  /** Model ids advertised in `/v1/models` as `gemini/<id>` and `vertex_ai/<id>`. */
  models: z.array(z.string().min(1)).optional(),
  /** Defaults for `vertex_ai` deployments. */
  vertex: z.strictObject({ ...VertexFields, apiBase: z.url().optional() }).optional(),
});

const GeminiDeploymentSchema = z.strictObject(Common);
const VertexDeploymentSchema = z.strictObject({ ...Common, ...VertexFields });

/** Options of the Gemini provider plugin. */
export type GeminiProviderOptions = z.input<typeof OptionsSchema>;
type DeploymentOptions = z.infer<typeof VertexDeploymentSchema>;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function validator(schema: z.ZodType) {
  return (deployment: Deployment): void => {
    parseDeploymentOptions(schema, deployment.options);
  };
}

/**
 * The Gemini provider: `gemini/<model>` works without configuration given `GEMINI_API_KEY`,
 * `vertex_ai/<model>` given Google credentials and a project.
 *
 * @example
 * ```ts
 * import gemini from '@switchyard/provider-gemini';
 * await createGateway({
 *   plugins: [gemini()],
 *   models: [
 *     { name: 'flash', provider: 'gemini', model: 'gemini-2.5-flash' },
 *     { name: 'pro', provider: 'vertex_ai', model: 'gemini-2.5-pro', project: 'acme', location: 'europe-west4', credentials: '/secrets/sa.json' },
 *   ],
 * });
 * ```
 */
export function geminiProvider(options?: GeminiProviderOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  const defaultBase = opts.apiBase ?? process.env.GEMINI_API_BASE ?? GEMINI_API_BASE;
  const defaultKey = opts.apiKey ?? process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY;
  const vertex = opts.vertex ?? {};
  const auth = new VertexAuth();
  const models = opts.models ?? GEMINI_MODELS;

  const mapping = (d: Deployment): RequestMappingOptions => {
    const o = d.options as DeploymentOptions;
    return {
      safetySettings: o.safetySettings ?? opts.safetySettings,
      thinkingBudgets: { ...opts.thinkingBudgets, ...o.thinkingBudgets },
      toolSchemas: o.toolSchemas ?? opts.toolSchemas,
    };
  };
  const extraHeaders = (d: Deployment) => ({ ...opts.headers, ...(d.options as DeploymentOptions).headers });

  const geminiModelUrl = async (d: Deployment) => {
    const base = trimSlash(d.apiBase ?? defaultBase);
    const root = /\/v1(beta\d*|alpha)?$/.test(base) ? base : `${base}/v1beta`;
    return `${root}/models/${modelSegment(d.model)}`;
  };
  const geminiUrl = async (d: Deployment, stream: boolean) => `${await geminiModelUrl(d)}${methodSuffix(stream)}`;

  const vertexSource = (d: Deployment) => {
    const o = d.options as DeploymentOptions;
    return { accessToken: o.accessToken ?? vertex.accessToken, credentials: o.credentials ?? vertex.credentials };
  };
  const vertexModelUrl = async (d: Deployment) => {
    const o = d.options as DeploymentOptions;
    const location = o.location ?? vertex.location ?? process.env.VERTEXAI_LOCATION ?? process.env.GOOGLE_CLOUD_LOCATION ?? 'us-central1';
    const project =
      o.project ?? vertex.project ?? (await auth.projectOf(vertexSource(d))) ?? process.env.VERTEXAI_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
    if (!project) {
      throw new GatewayError('GW_ERR_CONFIG_INVALID', `The vertex_ai deployment ${d.id} has no project: set \`project\` on it, in the plugin's \`vertex\` options or GOOGLE_CLOUD_PROJECT.`, {
        publicCode: 'vertex_project_missing',
        expose: true,
      });
    }
    const host = location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
    const base = trimSlash(d.apiBase ?? vertex.apiBase ?? host);
    const root = /\/v1(beta1)?$/.test(base) ? base : `${base}/v1`;
    return `${root}/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/publishers/google/models/${modelSegment(d.model)}`;
  };
  const vertexUrl = async (d: Deployment, stream: boolean) => `${await vertexModelUrl(d)}${methodSuffix(stream)}`;

  const geminiHeaders = async (d: Deployment) => {
    const key = d.apiKey ?? defaultKey;
    if (!key && isHost(d.apiBase ?? defaultBase, new URL(GEMINI_API_BASE).hostname)) throw providerKeyMissing('gemini', ['GEMINI_API_KEY', 'GOOGLE_API_KEY']);
    return { ...extraHeaders(d), ...(key ? { 'x-goog-api-key': key } : {}) };
  };
  const vertexHeaders = async (d: Deployment) => ({ ...extraHeaders(d), authorization: `Bearer ${await auth.token(vertexSource(d))}` });
  const geminiChatFn = geminiChat({ id: 'gemini', url: geminiUrl, headers: geminiHeaders, mapping, timeoutMs: opts.timeoutMs });
  const vertexChatFn = geminiChat({ id: 'vertex_ai', url: vertexUrl, headers: vertexHeaders, mapping, timeoutMs: opts.timeoutMs });
  const geminiEmbed = studioEmbeddings({ id: 'gemini', modelUrl: geminiModelUrl, headers: geminiHeaders, timeoutMs: opts.timeoutMs });
  const vertexEmbed = vertexEmbeddings({ id: 'vertex_ai', modelUrl: vertexModelUrl, headers: vertexHeaders, timeoutMs: opts.timeoutMs });

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      gateway.providers.register({
        id: 'gemini',
        chat: geminiChatFn,
        embeddings: geminiEmbed,
        models,
        defaults: { apiBase: defaultBase, apiKey: defaultKey, timeoutMs: opts.timeoutMs },
        validateDeployment: validator(GeminiDeploymentSchema),
      });
      gateway.providers.register({
        id: 'vertex_ai',
        chat: vertexChatFn,
        embeddings: vertexEmbed,
        models,
        defaults: { timeoutMs: opts.timeoutMs },
        validateDeployment: validator(VertexDeploymentSchema),
      });
    },
  });
}
