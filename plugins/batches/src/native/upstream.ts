/**
 * Talking to a deployment's own Files and Batches APIs through its provider's pass-through
 * (same URL, auth and error mapping as its chat calls): which deployments batch natively,
 * JSON calls, the streamed multipart upload of an input file, and which failures are worth
 * another try later.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createCallContext, GatewayError, type Deployment, type NativeBatches, type PassthroughRequest, type PluginApi, type ProviderCall, type UpstreamResponse } from '@switchyard/core';
import { readJson } from '@switchyard/upstream';

/**
 * The deployment a batch of `model` for `endpoint` passes through to: the first deployment of
 * the model whose provider serves `files` and `batches` natively (`via: 'files'`: OpenAI,
 * Azure), else the first whose adapter has its own batch API for the endpoint
 * (`via: 'provider'`: Anthropic Message Batches); undefined when none does.
 *
 * @example
 * ```ts
 * const n = nativeDeployment(api, 'gpt-4o', '/v1/chat/completions'); // { d: the OpenAI deployment, via: 'files' }
 * ```
 */
export function nativeDeployment(api: PluginApi, model: string, endpoint: string): { d: Deployment; via: 'files' | 'provider' } | undefined {
  const ds = api.models.lookup(model);
  const files = ds.find((d) => {
    const a = api.providers.get(d.provider);
    return Boolean(a?.passthrough && a.nativeApis?.includes('files') && a.nativeApis.includes('batches'));
  });
  if (files) return { d: files, via: 'files' };
  const own = ds.find((d) => api.providers.get(d.provider)?.nativeBatches?.endpoints.includes(endpoint));
  return own ? { d: own, via: 'provider' } : undefined;
}

/**
 * The provider's own batch API for `d` and the call it is given (its signal the job's).
 *
 * @example
 * ```ts
 * const { batches, call } = providerBatches(api, d, job.signal);
 * const state = await batches.retrieve(id, call);
 * ```
 */
export function providerBatches(api: PluginApi, d: Deployment, signal: AbortSignal): { batches: NativeBatches; call: ProviderCall } {
  const batches = api.providers.get(d.provider)?.nativeBatches;
  if (!batches) {
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The deployment ${d.id} no longer serves batches natively.`, { publicCode: 'upstream_unavailable', expose: true });
  }
  return { batches, call: { deployment: d, ctx: createCallContext({ operation: 'batches', endpoint: '/v1/batches', signal }), signal } };
}

/**
 * The deployment with `id` (a native batch's, from its mapping).
 *
 * @example
 * ```ts
 * const d = deploymentById(api, exec.native.deployment);
 * ```
 */
export function deploymentById(api: PluginApi, id: string): Deployment | undefined {
  return api.models.deployments.find((d) => d.id === id);
}

/**
 * Sends one request to the deployment's native API; a non-2xx answer throws the OpenAI-shaped
 * gateway error the provider maps it to.
 *
 * @example
 * ```ts
 * const res = await nativeSend(api, d, { method: 'GET', path: '/batches/batch_1' }, signal);
 * ```
 */
export async function nativeSend(api: PluginApi, d: Deployment, req: PassthroughRequest, signal: AbortSignal): Promise<UpstreamResponse> {
  const adapter = api.providers.get(d.provider);
  if (!adapter?.passthrough) {
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The deployment ${d.id} no longer serves batches natively.`, { publicCode: 'upstream_unavailable', expose: true });
  }
  const ctx = createCallContext({ operation: 'batches', endpoint: `/v1${req.path}`, signal });
  return adapter.passthrough(req, { deployment: d, ctx, signal });
}

/**
 * {@link nativeSend} with the JSON answer read.
 *
 * @example
 * ```ts
 * const batch = await nativeJson<{ status: string }>(api, d, { method: 'GET', path: '/batches/b1' }, signal);
 * ```
 */
export async function nativeJson<T>(api: PluginApi, d: Deployment, req: PassthroughRequest, signal: AbortSignal): Promise<T> {
  return readJson<T>(await nativeSend(api, d, req, signal), d.provider);
}

/**
 * A `multipart/form-data` body with text fields and one file part, as a stream of its parts:
 * the file's bytes go by as they are read, never held whole.
 *
 * @example
 * ```ts
 * const { stream, contentType } = multipartUpload({ purpose: 'batch' }, 'in.jsonl', lines);
 * await nativeSend(api, d, { method: 'POST', path: '/files', raw: { stream, contentType } }, signal);
 * ```
 */
export function multipartUpload(fields: Record<string, string>, filename: string, file: Readable | AsyncIterable<Uint8Array>): { stream: AsyncIterable<Uint8Array>; contentType: string } {
  const boundary = `----switchyard${randomBytes(12).toString('hex')}`;
  const safeName = filename.replace(/["\r\n\\]/g, '_');
  async function* parts(): AsyncGenerator<Uint8Array> {
    for (const [k, v] of Object.entries(fields)) yield Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    yield Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${safeName}"\r\ncontent-type: application/jsonl\r\n\r\n`);
    for await (const chunk of file) yield chunk as Uint8Array;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return { stream: parts(), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Whether an upstream failure may pass if tried again later (connection, timeout, 408, 409,
 * 429, 5xx): a poller keeps its batch then, and fails it only on a definite answer.
 *
 * @example
 * ```ts
 * if (transient(err)) return job.release(pollMs);
 * ```
 */
export function transient(err: unknown): boolean {
  if (!(err instanceof GatewayError)) return true;
  if (err.code === 'GW_ERR_PROVIDER_CONNECTION' || err.code === 'GW_ERR_PROVIDER_TIMEOUT') return true;
  return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
}

/**
 * Whether the deployment's server has the Batches API: OpenAI and Azure do, many
 * OpenAI-compatible servers behind the same provider (vLLM, Ollama, ...) answer 404 or 405.
 * A failure that may pass says nothing: `unknown`.
 *
 * @example
 * ```ts
 * if ((await hasBatchesApi(api, d, signal)) === 'no') runInGateway();
 * ```
 */
export async function hasBatchesApi(api: PluginApi, d: Deployment, signal: AbortSignal): Promise<'yes' | 'no' | 'unknown'> {
  try {
    const res = await nativeSend(api, d, { method: 'GET', path: '/batches', query: 'limit=1' }, signal);
    await res.body.dump();
    return 'yes';
  } catch (err) {
    if (signal.aborted) throw err;
    return missingApi(err) ? 'no' : 'unknown';
  }
}

/**
 * Whether an upstream error says the API is not there (404, 405, 501 on the collection).
 *
 * @example
 * ```ts
 * if (missingApi(err)) fallBackToGateway();
 * ```
 */
export function missingApi(err: unknown): boolean {
  return err instanceof GatewayError && (err.status === 404 || err.status === 405 || err.status === 501);
}
