/**
 * The chat completions codec. The body sent upstream carries the deployment's model and
 * defaults and always asks for stream usage (so cost is known); the client sees `model` as
 * the name it asked for, and no usage chunk (nor the `usage: null` OpenAI then adds to every
 * chunk) unless it asked for one. A stream must end with every choice finished.
 */
import { encodedJsonOf, forgetEncodedJson, jsonSourceOf, rememberJsonSource, setEncodedJson, validate, withoutGatewayFields, type CallContext, type ChatChunk, type ChatCompletion, type ChatRequest, type Deployment, type OperationCodec, type StreamAggregate } from '@switchyard/core';
import { ChunkAggregator } from './aggregate.js';
import { checkChunk, checkCompletion, checkStreamEnd } from './check.js';
import { completionToChunks } from './convert.js';
import { ChatRequestSchema, plainChatRequest } from './schema.js';
import { spliceTopLevel } from './splice.js';

/** The body sent upstream: the deployment's model and defaults, usage always requested on streams. */
function upstreamRequest(request: ChatRequest, deployment: Deployment): ChatRequest {
  const rest = withoutGatewayFields(request);
  const out: ChatRequest = deployment.params ? { ...deployment.params, ...rest } : rest === request ? { ...request } : rest;
  out.model = deployment.model;
  const askUsage = request.stream === true && request.stream_options?.include_usage !== true;
  if (askUsage) out.stream_options = { ...request.stream_options, include_usage: true };
  // the client's bytes go upstream with only these values spliced in, when nothing else changed
  const source = rest === request && !deployment.params ? jsonSourceOf(request) : undefined;
  if (source !== undefined) {
    const spliced = spliceTopLevel(source, askUsage ? { model: out.model, stream_options: out.stream_options } : { model: out.model });
    if (spliced !== undefined) setEncodedJson(out, spliced);
  }
  return out;
}

function validateChat(body: unknown): ChatRequest {
  // the common plain body needs no schema pass and no copy (the schema would accept it as is)
  if (plainChatRequest(body)) return body;
  const request = validate(ChatRequestSchema, body);
  // the validated copy equals the body (the schema only checks), so the body's text is its text
  const source = jsonSourceOf(body);
  if (source !== undefined) rememberJsonSource(request, source);
  return request;
}

function aggregate(): StreamAggregate<ChatChunk, ChatCompletion> {
  const agg = new ChunkAggregator();
  return {
    add: (chunk) => agg.add(chunk),
    result: () => agg.result(),
    usage: () => agg.usage,
    checkEnd: (provider) => checkStreamEnd(agg.result(), provider),
  };
}

/**
 * The chat completions codec.
 *
 * @example
 * ```ts
 * const out = await gateway.run(chatCodec, { body: { model: 'mock/echo', messages } }); // in a plugin
 * ```
 */
export const chatCodec: OperationCodec<ChatRequest, ChatCompletion, ChatChunk> = {
  operation: 'chat',
  endpoint: '/v1/chat/completions',
  validate: validateChat,
  streams: (request) => request.stream === true,
  supports: () => true,
  prepare: upstreamRequest,
  send: (adapter, request, call) => adapter.chat(request, call),
  checkResponse: checkCompletion,
  checkChunk,
  usageOf: (response) => response.usage,
  aggregate,
  presentResponse(response, _request, ctx: CallContext) {
    if (response.model !== ctx.model) {
      const attempt = ctx.attempts.at(-1);
      if (attempt) attempt.model ??= response.model; // the upstream's own name stays on the attempt
      response.model = ctx.model!;
      // the upstream's bytes go to the client with the name spliced in (or re-serialised)
      const text = encodedJsonOf(response);
      if (text !== undefined) {
        const spliced = spliceTopLevel(text, { model: response.model });
        if (spliced === undefined) forgetEncodedJson(response);
        else setEncodedJson(response, spliced);
      }
    }
    return response;
  },
  presentChunk(chunk, request, ctx) {
    const attempt = ctx.attempts.at(-1);
    if (attempt && attempt.model === undefined) attempt.model = chunk.model;
    chunk.model = ctx.model!; // every chunk names the model the client asked for
    if (request.stream_options?.include_usage !== true && chunk.usage !== undefined) {
      // usage was asked for by the gateway, not the client: drop the usage chunk and the
      // `usage: null` OpenAI adds to every other chunk, as OpenAI would without it
      if (chunk.choices.length === 0 && chunk.usage) return undefined;
      chunk.usage = undefined;
    }
    return chunk;
  },
  toChunks: (response, request) => completionToChunks(response, request.stream_options?.include_usage === true),
};
