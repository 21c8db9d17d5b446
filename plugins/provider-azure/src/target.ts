/**
 * Where an Azure request goes and how it authenticates: the URL builder and auth headers
 * for Azure OpenAI (deployment URLs, resource-level APIs, the v1 GA surface) and Azure AI
 * Foundry model inference. Exported so native pass-through (Responses, Files, Batches,
 * Assistants, Threads) reuses exactly the rules chat uses.
 */

/** The Azure OpenAI API version used when neither the deployment, the options nor `AZURE_API_VERSION` name one. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** The Azure AI model inference API version. */
export const AZURE_AI_API_VERSION = '2024-05-01-preview';

/** Credentials for an Azure request: an API key or a Microsoft Entra ID bearer token. */
export interface AzureAuth {
  /** Sent as the `api-key` header. Wins over the token when both are set. */
  apiKey?: string;
  /** A Microsoft Entra ID access token, sent as `Authorization: Bearer`. */
  azureAdToken?: string;
  /** Called per request for a fresh Entra ID token (e.g. from `@azure/identity`'s `getBearerTokenProvider`). */
  azureAdTokenProvider?: () => Promise<string> | string;
}

/** Where an Azure OpenAI request goes ({@link azureOpenAIUrl}) and how it authenticates ({@link azureAuthHeaders}). */
export interface AzureTargetInput {
  /** Resource endpoint, e.g. `https://my-resource.openai.azure.com` (a trailing `/openai` or `/openai/v1` is tolerated). */
  apiBase: string;
  /** A dated version (`2024-10-21`, `2025-04-01-preview`) or `v1` for the GA v1 surface (`/openai/v1/...`). */
  apiVersion: string;
  /** OpenAI-style path below the API root: `/chat/completions`, `/responses`, `/files/file_1`, `/batches`, ... */
  path: string;
  /** Deployment name, required for deployment-scoped paths (chat, completions, embeddings, audio, images) on dated versions. */
  deployment?: string;
  /** Extra query string without `?`. */
  query?: string;
  auth: AzureAuth;
}

const DEPLOYMENT_SCOPED = /^\/(chat\/completions|completions|embeddings|audio\/|images\/)/;

function trimBase(apiBase: string): string {
  let base = apiBase.replace(/\/+$/, '');
  base = base.replace(/\/openai(\/v1)?$/, '');
  return base;
}

/**
 * The Azure OpenAI URL for an OpenAI-style path.
 *
 * - `apiVersion: 'v1'` → `{apiBase}/openai/v1{path}` (the model goes in the body);
 * - deployment-scoped paths → `{apiBase}/openai/deployments/{deployment}{path}?api-version=…`;
 * - resource-level paths (`/responses`, `/files`, `/batches`, `/assistants`, `/threads`, ...) →
 *   `{apiBase}/openai{path}?api-version=…`.
 *
 * @example
 * ```ts
 * azureOpenAIUrl({ apiBase: 'https://r.openai.azure.com', apiVersion: '2024-10-21', deployment: 'gpt4o', path: '/chat/completions' });
 * // https://r.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21
 * ```
 */
export function azureOpenAIUrl(input: Omit<AzureTargetInput, 'auth'>): string {
  const base = trimBase(input.apiBase);
  const extra = input.query ? input.query.replace(/^\?/, '') : '';
  if (input.apiVersion === 'v1') return `${base}/openai/v1${input.path}${extra ? `?${extra}` : ''}`;
  const query = `api-version=${encodeURIComponent(input.apiVersion)}${extra ? `&${extra}` : ''}`;
  if (DEPLOYMENT_SCOPED.test(input.path)) {
    if (!input.deployment) throw new Error(`azure: the path ${input.path} needs a deployment name`);
    return `${base}/openai/deployments/${encodeURIComponent(input.deployment)}${input.path}?${query}`;
  }
  return `${base}/openai${input.path}?${query}`;
}

/**
 * The Azure AI Foundry model inference URL for an OpenAI-style path. A Foundry resource
 * endpoint (`*.services.ai.azure.com`, `*.cognitiveservices.azure.com`) serves the models
 * below `/models`, so that segment is added when missing; a serverless endpoint
 * (`*.models.ai.azure.com`) or any other base is used as given.
 *
 * @example
 * ```ts
 * azureAIUrl('https://r.services.ai.azure.com', '/chat/completions');
 * // https://r.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview
 * ```
 */
export function azureAIUrl(apiBase: string, path: string, apiVersion: string = AZURE_AI_API_VERSION): string {
  let base = apiBase.replace(/\/+$/, '');
  const host = new URL(base).hostname;
  if (/\.(services\.ai|cognitiveservices)\.azure\.com$/.test(host) && !base.endsWith('/models')) base = `${base}/models`;
  return `${base}${path}?api-version=${encodeURIComponent(apiVersion)}`;
}

/**
 * Auth headers for Azure: `api-key` when a key is known, otherwise `Authorization: Bearer`
 * with the Entra ID token (a fixed one, or one asked from the provider per request).
 *
 * @example
 * ```ts
 * await azureAuthHeaders({ apiKey: process.env.AZURE_API_KEY }); // { 'api-key': '…' }
 * ```
 */
export async function azureAuthHeaders(auth: AzureAuth): Promise<Record<string, string>> {
  if (auth.apiKey) return { 'api-key': auth.apiKey };
  if (auth.azureAdToken) return { authorization: `Bearer ${auth.azureAdToken}` };
  if (auth.azureAdTokenProvider) return { authorization: `Bearer ${await auth.azureAdTokenProvider()}` };
  return {};
}
