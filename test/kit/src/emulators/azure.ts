/**
 * A loopback emulator of Azure OpenAI and Azure AI Foundry model inference, strict the way
 * the real services are: `api-key` or `Authorization: Bearer` required (401), `api-version`
 * required on dated URLs (404 "Resource not found"), unknown deployments 404
 * `DeploymentNotFound`. Answers are OpenAI-shaped with Azure's extras: a
 * `prompt_filter_results` chunk first in streams and `content_filter_results` on choices.
 *
 * Routes: `/openai/deployments/{d}/chat/completions?api-version=…`, `/openai/v1/chat/completions`,
 * `/models/chat/completions?api-version=…` (Foundry), `/chat/completions` (serverless), the same
 * four shapes for `/embeddings` (OpenAI's answers: see openai-embeddings.ts), the Assistants
 * API at `/openai/assistants…` and `/openai/threads…` (openai-assistants.ts), and
 * Files and Batches at `/openai/files…`, `/openai/batches…` (openai-batches.ts).
 */
import type { ChatMessage, ChatRequest } from '@switchyard/core';
import { emulatedAnswer, emulatedBatchChat, emulatedUsage } from './openai.js';
import { batchesRoute, batchesState, type EmulatedBatches } from './openai-batches.js';
import { embeddingsRoute } from './openai-embeddings.js';
import { assistantsRoute, assistantsState } from './openai-assistants.js';
import { responsesRoutes } from './openai-responses.js';
import { sendJson, startEmulator, writeSse, type Emulator, type EmulatorExchange } from './server.js';

/** Options of the Azure emulator. */
export interface AzureEmulatorOptions {
  /** The key accepted in `api-key` (default `azure-emulator-key`). */
  apiKey?: string;
  /** The Entra ID token accepted as `Authorization: Bearer` (default `entra-emulator-token`). */
  bearerToken?: string;
  /** Deployment names that exist (default `['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small', 'text-embedding-3-large']`; an embedding model's name deploys it). */
  deployments?: string[];
  /** Models the Foundry inference endpoint serves (default `['Llama-3.3-70B-Instruct', 'Mistral-Large-2411', 'Cohere-embed-v3-english']`). */
  aiModels?: string[];
  port?: number;
  /** Retrieves of a batch before it completes (default 2). */
  batchPolls?: number;
}

/** A running Azure emulator. */
export interface AzureEmulator extends Emulator {
  readonly apiKey: string;
  readonly bearerToken: string;
  /** The emulated Files and Batches (OpenAI's, at `/openai/files…`, `/openai/batches…`; a line's model is a deployment name, its url `/chat/completions`). */
  readonly batches: EmulatedBatches;
}

/**
 * An Azure error body.
 *
 * @example
 * ```ts
 * emu.fault({ status: 429, headers: { 'retry-after': '7' }, body: azureErrorBody('429', 'Rate limit is exceeded.') });
 * ```
 */
export function azureErrorBody(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message, ...extra } };
}

const SAFE = { filtered: false, severity: 'safe' };
const CONTENT_FILTER = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTER = [{ prompt_index: 0, content_filter_results: { ...CONTENT_FILTER, jailbreak: { filtered: false, detected: false } } }];

function textOf(m: ChatMessage | undefined): string {
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => (p.type === 'text' ? (p as { text: string }).text : '')).join('');
  return '';
}

let counter = 0;

function invalid(res: EmulatorExchange['res'], message: string, param: string | null = null): true {
  sendJson(res, 400, { error: { message, type: 'invalid_request_error', param, code: null } });
  return true;
}

async function answer(x: EmulatorExchange, model: string): Promise<true> {
  const { req, res, fault } = x;
  const body = req.body as ChatRequest | undefined;
  if (!body || typeof body !== 'object') return invalid(res, 'We could not parse the JSON body of your request.');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid(res, "'messages' is a required property", 'messages');
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  if (textOf(lastUser).includes('trigger-content-filter')) {
    sendJson(res, 400, {
      error: {
        message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { ...CONTENT_FILTER, violence: { filtered: true, severity: 'high' } } },
      },
    });
    return true;
  }
  const filterCompletion = textOf(lastUser).includes('filter-completion');
  const a = filterCompletion ? { content: '', toolCalls: undefined, finish: 'content_filter' as const } : emulatedAnswer(body);
  const n = ++counter;
  const id = `chatcmpl-azure${n}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = emulatedUsage(body, a);
  const filterResults = filterCompletion ? { ...CONTENT_FILTER, violence: { filtered: true, severity: 'medium' } } : CONTENT_FILTER;
  res.setHeader('apim-request-id', `apim-${n}`);
  res.setHeader('x-request-id', `azreq-${n}`);
  res.setHeader('x-ms-region', 'East US');
  if (!body.stream) {
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      prompt_filter_results: PROMPT_FILTER,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: a.content, refusal: null, annotations: [], ...(a.toolCalls ? { tool_calls: a.toolCalls } : {}) },
          logprobs: null,
          finish_reason: a.finish,
          content_filter_results: filterResults,
        },
      ],
      usage,
      system_fingerprint: 'fp_azure',
    });
    return true;
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_azure' };
  const frame = (delta: unknown, finish: string | null = null, filters: unknown = CONTENT_FILTER) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, content_filter_results: filters }], ...(includeUsage ? { usage: null } : {}) })}\n\n`;
  // Azure opens every stream with a choice-less chunk carrying only the prompt filter results
  const frames = [`data: ${JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER })}\n\n`];
  frames.push(frame({ role: 'assistant', content: '', refusal: null }, null, {}));
  if (a.content) for (const piece of a.content.match(/\s*\S+/g) ?? []) frames.push(frame({ content: piece }));
  for (const [index, tc] of (a.toolCalls ?? []).entries()) {
    frames.push(frame({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } }] }));
    const args = tc.function.arguments;
    const mid = Math.ceil(args.length / 2);
    frames.push(frame({ tool_calls: [{ index, function: { arguments: args.slice(0, mid) } }] }));
    frames.push(frame({ tool_calls: [{ index, function: { arguments: args.slice(mid) } }] }));
  }
  frames.push(frame({}, a.finish, filterResults));
  if (includeUsage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
  frames.push('data: [DONE]\n\n');
  await writeSse(res, frames, fault);
  return true;
}

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/**
 * Starts the Azure emulator.
 *
 * @example
 * ```ts
 * const emu = await startAzureEmulator();
 * // models: [{ name: 'gpt-4o', provider: 'azure', model: 'gpt-4o', apiBase: emu.origin, apiKey: emu.apiKey }]
 * ```
 */
export async function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const apiKey = options.apiKey ?? 'azure-emulator-key';
  const bearerToken = options.bearerToken ?? 'entra-emulator-token';
  const deployments = new Set(options.deployments ?? ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small', 'text-embedding-3-large']);
  const aiModels = new Set(options.aiModels ?? ['Llama-3.3-70B-Instruct', 'Mistral-Large-2411', 'Cohere-embed-v3-english']);
  const notFound = (res: EmulatorExchange['res']) => void sendJson(res, 404, azureErrorBody('404', 'Resource not found'));
  const deploymentNotFound = (res: EmulatorExchange['res']) =>
    void sendJson(
      res,
      404,
      azureErrorBody('DeploymentNotFound', 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.'),
    );
  const responses = responsesRoutes(new Map());
  const assistantsApi = assistantsState();
  const batchesApi = batchesState(options.batchPolls ?? 2);
  const emu = await startEmulator(
    async (x) => {
      const { req, res } = x;
      const url = new URL(req.path, 'http://x');
      const key = req.headers['api-key'];
      const auth = req.headers.authorization;
      if (key !== apiKey && auth !== `Bearer ${bearerToken}`) {
        sendJson(
          res,
          401,
          key || !auth
            ? azureErrorBody('401', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.')
            : azureErrorBody('PermissionDenied', 'Principal does not have access to API/Operation.'),
        );
        return true;
      }
      const version = url.searchParams.get('api-version');
      const dated = url.pathname.match(/^\/openai\/deployments\/([^/]+)\/chat\/completions$/);
      if (req.method === 'POST' && dated) {
        if (!version) return notFound(res), true;
        if (!DATED_VERSION.test(version)) return sendJson(res, 400, azureErrorBody('BadRequest', 'API version not supported')), true;
        const deployment = decodeURIComponent(dated[1]!);
        if (!deployments.has(deployment)) return deploymentNotFound(res), true;
        return answer(x, deployment);
      }
      // embeddings: OpenAI-shaped, the model from the deployment URL (dated) or the body (v1, Foundry)
      const embedDated = url.pathname.match(/^\/openai\/deployments\/([^/]+)\/embeddings$/);
      const embedV1 = url.pathname === '/openai/v1/embeddings';
      const embedAi = url.pathname === '/models/embeddings' || url.pathname === '/embeddings';
      if (req.method === 'POST' && (embedDated || embedV1 || embedAi)) {
        if (!embedV1 && !version) return notFound(res), true;
        if (embedDated && !DATED_VERSION.test(version!)) return sendJson(res, 400, azureErrorBody('BadRequest', 'API version not supported')), true;
        const bodyModel = (req.body as { model?: unknown } | undefined)?.model;
        const model = embedDated ? decodeURIComponent(embedDated[1]!) : bodyModel;
        if (typeof model !== 'string') {
          if (embedAi) return sendJson(res, 400, azureErrorBody('no_model_name', 'No model specified in request. Please provide a model name in the request body or as a x-ms-model-mesh-model-name header.')), true;
          return invalid(res, "Missing required parameter: 'model'.", 'model');
        }
        if (embedAi ? !aiModels.has(model) : !deployments.has(model)) {
          if (embedAi) return sendJson(res, 400, azureErrorBody('unknown_model', `Unknown model: ${model}`, { details: `Unknown model: ${model}` })), true;
          return deploymentNotFound(res), true;
        }
        const n = ++counter;
        res.setHeader('apim-request-id', `apim-${n}`);
        return embeddingsRoute(x, `azreq-${n}`, {
          model,
          notEmbeddingModel: (m) => ({
            status: 400,
            body: azureErrorBody(
              'OperationNotSupported',
              `The embeddings operation does not work with the specified model, ${m}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
            ),
          }),
        });
      }
      if (req.method === 'POST' && url.pathname === '/openai/v1/chat/completions') {
        const model = (req.body as { model?: unknown } | undefined)?.model;
        if (typeof model !== 'string') return invalid(res, "Missing required parameter: 'model'.", 'model');
        if (!deployments.has(model)) return deploymentNotFound(res), true;
        return answer(x, model);
      }
      if (req.method === 'POST' && (url.pathname === '/models/chat/completions' || url.pathname === '/chat/completions')) {
        if (!version) return notFound(res), true;
        const model = (req.body as { model?: unknown } | undefined)?.model;
        if (url.pathname === '/models/chat/completions' && typeof model !== 'string') {
          return sendJson(res, 400, azureErrorBody('no_model_name', 'No model specified in request. Please provide a model name in the request body or as a x-ms-model-mesh-model-name header.')), true;
        }
        if (typeof model === 'string' && !aiModels.has(model)) {
          return sendJson(res, 400, azureErrorBody('unknown_model', `Unknown model: ${model}`, { details: `Unknown model: ${model}` })), true;
        }
        return answer(x, typeof model === 'string' ? model : [...aiModels][0]!);
      }
      // the native Responses API, at the v1 and the dated URLs, served like OpenAI's; the
      // Conversations API at the v1 URLs only (a dated URL is Azure's "Resource not found")
      const responsesPath = /^\/openai(\/v1)?(\/(?:responses|conversations)(?:\/.*)?)$/.exec(url.pathname);
      if (responsesPath) {
        if (!responsesPath[1] && !version) return notFound(res), true;
        if (!responsesPath[1] && responsesPath[2]!.startsWith('/conversations')) return notFound(res), true;
        const query = new URLSearchParams(url.searchParams);
        query.delete('api-version');
        const rest = query.toString();
        return responses({ ...x, req: { ...req, path: `/v1${responsesPath[2]}${rest ? `?${rest}` : ''}` } });
      }
      // the Assistants API at the dated URLs (`/openai/assistants?api-version=…`), served like OpenAI's
      const assistantsPath = /^\/openai(\/(?:assistants|threads)(?:\/.*)?)$/.exec(url.pathname);
      if (assistantsPath) {
        if (!version) return notFound(res), true;
        const query = new URLSearchParams(url.searchParams);
        query.delete('api-version');
        return assistantsRoute(assistantsApi, x, assistantsPath[1]!, query) || (notFound(res), true);
      }
      // Files and Batches (resource-level) at the dated and the v1 URLs, served like OpenAI's
      const batchesPath = /^\/openai(\/v1)?(\/(?:files|batches)(?:\/.*)?)$/.exec(url.pathname);
      if (batchesPath) {
        if (!batchesPath[1] && !version) return notFound(res), true;
        res.setHeader('apim-request-id', `apim-files-${++counter}`);
        return (await batchesRoute(batchesApi, x, batchesPath[2]!, emulatedBatchChat, { chatUrl: '/chat/completions', knownModel: (m) => deployments.has(m) })) || (notFound(res), true);
      }
      return notFound(res), true;
    },
    { port: options.port },
  );
  return Object.assign(emu, { apiKey, bearerToken, batches: batchesApi });
}
