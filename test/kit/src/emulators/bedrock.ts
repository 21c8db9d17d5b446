/**
 * A loopback emulator of the Bedrock runtime Converse API. Strict like the real service:
 * a well-formed SigV4 `Authorization` header (verified with `@smithy/signature-v4` against
 * the known test secret: 403 `InvalidSignatureException` when it does not match), Converse
 * bodies validated (400 `ValidationException`, model-specific rules included: tool use,
 * structured output, Claude's thinking and signatures), unknown models rejected. Answers Converse
 * JSON and ConverseStream `application/vnd.amazon.eventstream` frames encoded with
 * `@smithy/eventstream-codec`, with fault injection including an in-stream exception.
 * Answers and stream events are typed with the official `@aws-sdk/client-bedrock-runtime` types.
 * InvokeModel serves the Titan and Cohere embedding models (see bedrock-embed.ts).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import type {
  ContentBlock,
  ContentBlockDeltaEvent,
  ContentBlockStartEvent,
  ContentBlockStopEvent,
  ConverseResponse,
  ConverseStreamMetadataEvent,
  MessageStartEvent,
  MessageStopEvent,
  StopReason,
  TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { BEDROCK_EMBEDDING_MODELS, invokeEmbedding } from './bedrock-embed.js';
import { checkConverseForModel, checkConverseRequest, reasoningSignature } from './bedrock-validate.js';
import { sampleFor, toolInputFor } from './sample.js';
import { startEmulator, type Emulator, type EmulatorExchange, type Fault, type RecordedRequest } from './server.js';

/** Test credentials the emulator knows. */
export interface BedrockEmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of the Bedrock emulator. */
export interface BedrockEmulatorOptions {
  /** Credentials accepted (default one pair: `AKIDEMULATOR000001` / `emulator-secret-key`). */
  credentials?: BedrockEmulatorCredentials[];
  /** Region the signature must be scoped to (default `us-east-1`). */
  region?: string;
  /** Model ids that exist (default: Claude 3.5 and 4.5 Sonnet, Nova and Nova 2 Lite, Llama 3 70B, and the embedding models of bedrock-embed.ts). */
  models?: string[];
  port?: number;
}

/** An exception sent inside a ConverseStream after some events. */
export interface BedrockStreamFault {
  /** e.g. `throttlingException`, `modelStreamErrorException`, `internalServerException`. */
  exceptionType: string;
  message: string;
  /** Events sent before the exception (default 2). */
  afterEvents?: number;
}

/** A running Bedrock emulator. */
export interface BedrockEmulator extends Emulator {
  readonly credentials: BedrockEmulatorCredentials;
  readonly region: string;
  /** Queues an in-stream exception for the next ConverseStream call. */
  streamException(fault: BedrockStreamFault): void;
}

/**
 * Headers and body of a Bedrock error, for `emu.fault({ status, headers, body })`.
 *
 * @example
 * ```ts
 * emu.fault({ status: 429, ...bedrockErrorFault('ThrottlingException', 'Too many requests, please wait before trying again.') });
 * ```
 */
export function bedrockErrorFault(errorType: string, message: string): Pick<Fault, 'headers' | 'body'> {
  return { headers: { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': randomUUID() }, body: { message } };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * One event-stream frame as Bedrock sends it.
 *
 * @example
 * ```ts
 * res.write(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }));
 * ```
 */
export function eventFrame(eventType: string, payload: unknown, messageType: 'event' | 'exception' = 'event'): Uint8Array {
  const headers: MessageHeaders = {
    [messageType === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: eventType },
    ':content-type': { type: 'string', value: 'application/json' },
    ':message-type': { type: 'string', value: messageType },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function parseAmzDate(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

type Denial = { status: number; type: string; message: string };

async function checkSignature(req: RecordedRequest, creds: BedrockEmulatorCredentials[], region: string): Promise<Denial | undefined> {
  const auth = req.headers.authorization;
  if (!auth) return { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const m = AUTH.exec(auth);
  if (!m) return { status: 403, type: 'IncompleteSignatureException', message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${auth.slice(0, 40)}` };
  const [, keyId, day, scopeRegion, service, signedHeaders] = m;
  const signed = signedHeaders!.split(';');
  const amzDate = req.headers['x-amz-date'];
  if (!signed.includes('host') || !signed.includes('x-amz-date') || typeof amzDate !== 'string') {
    return { status: 403, type: 'IncompleteSignatureException', message: 'The request signature must sign the host and x-amz-date headers.' };
  }
  const date = parseAmzDate(amzDate);
  if (!date || amzDate.slice(0, 8) !== day) return { status: 403, type: 'IncompleteSignatureException', message: 'Date in Credential scope does not match the x-amz-date header.' };
  if (service !== 'bedrock') return { status: 403, type: 'InvalidSignatureException', message: `Credential should be scoped to correct service: 'bedrock'.` };
  if (scopeRegion !== region) return { status: 403, type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region.` };
  if (Math.abs(Date.now() - date.getTime()) > 15 * 60_000) return { status: 403, type: 'InvalidSignatureException', message: 'Signature expired.' };
  const cred = creds.find((c) => c.accessKeyId === keyId);
  if (!cred) return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if (cred.sessionToken && req.headers['x-amz-security-token'] !== cred.sessionToken) {
    return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  const headers: Record<string, string> = {};
  for (const h of signed) {
    const v = req.headers[h];
    if (v === undefined) return { status: 403, type: 'InvalidSignatureException', message: `Signed header ${h} is missing from the request.` };
    headers[h] = Array.isArray(v) ? v.join(',') : v;
  }
  const [path, search] = req.path.split('?');
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search ?? '')) query[k] = v;
  const host = headers.host ?? '';
  const signer = new SignatureV4({ service: 'bedrock', region, credentials: cred, sha256: Sha256 });
  const expected = await signer.sign(
    { method: req.method, protocol: 'https:', hostname: host.split(':')[0]!, path: path!, query, headers, body: req.text },
    { signingDate: date },
  );
  if (expected.headers.authorization !== auth) {
    return {
      status: 403,
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return undefined;
}

type Obj = Record<string, unknown>;
type Block = Obj;
const tokens = (s: string) => s.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g)?.length ?? 0;
const textOf = (content: Block[]) => content.map((b) => (typeof b.text === 'string' ? b.text : '')).join('');
let counter = 0;

interface Answer {
  content: ContentBlock[];
  stopReason: StopReason;
  usage: TokenUsage;
}

/** ConverseStream event payloads by `:event-type`, as the official SDK types them. */
interface StreamEventMap {
  messageStart: MessageStartEvent;
  contentBlockStart: ContentBlockStartEvent;
  contentBlockDelta: ContentBlockDeltaEvent;
  contentBlockStop: ContentBlockStopEvent;
  messageStop: MessageStopEvent;
  metadata: ConverseStreamMetadataEvent;
}
type StreamEvent = { [K in keyof StreamEventMap]: [K, StreamEventMap[K]] }[keyof StreamEventMap];

/**
 * What the emulated model answers: the same rules as the OpenAI emulator (`echo: …`, tool
 * calls with inputs that follow the tool's schema, tool results); Claude thinks first (a
 * signed reasoning block) when thinking is enabled, and `outputConfig` gets a JSON text
 * that follows its schema.
 */
function converseAnswer(body: Obj): Answer {
  const messages = body.messages as Array<{ role: string; content: Block[] }>;
  const last = messages.at(-1)!;
  const toolResult = last.content.find((b) => 'toolResult' in b)?.toolResult as { content: Block[] } | undefined;
  const lastUserText = textOf([...messages].reverse().find((m) => m.role === 'user' && textOf(m.content))?.content ?? []);
  const tools = (body.toolConfig as { tools: Array<{ toolSpec: { name: string } }>; toolChoice?: { tool?: { name: string } } } | undefined) ?? undefined;
  const system = ((body.system as Block[] | undefined) ?? []).map((s) => (typeof s.text === 'string' ? s.text : '')).join('\n');
  const inference = (body.inferenceConfig as { maxTokens?: number; stopSequences?: string[] } | undefined) ?? {};
  const content: ContentBlock[] = [];
  const thinking = isObj(body.additionalModelRequestFields) && isObj(body.additionalModelRequestFields.thinking) ? body.additionalModelRequestFields.thinking : undefined;
  if (thinking?.type === 'enabled') {
    const text = `Considering: ${lastUserText && !toolResult ? lastUserText : 'the tool result'} (budget ${String(thinking.budget_tokens)})`;
    content.push({ reasoningContent: { reasoningText: { text, signature: reasoningSignature(text) } } });
  }
  const outputSchema = (body.outputConfig as { textFormat?: { structure?: { jsonSchema?: { schema?: string } } } } | undefined)?.textFormat?.structure?.jsonSchema?.schema;
  let stopReason: StopReason = 'end_turn';
  if (tools && !toolResult) {
    const name = tools.toolChoice?.tool?.name ?? tools.tools[0]!.toolSpec.name;
    const schema = (tools.tools.find((t) => t.toolSpec.name === name)?.toolSpec as { inputSchema?: { json?: Obj } } | undefined)?.inputSchema?.json;
    content.push({ toolUse: { toolUseId: `tooluse_emu${++counter}`, name, input: toolInputFor(schema, lastUserText) as never } });
    stopReason = 'tool_use';
  } else if (outputSchema) {
    // structured output: a JSON text that follows the schema
    content.push({ text: JSON.stringify(sampleFor(JSON.parse(outputSchema), toolResult ? `tool result: ${textOf(toolResult.content)}` : lastUserText)) });
  } else if (body.guardrailConfig && lastUserText.includes('trigger-guardrail')) {
    content.push({ text: 'Sorry, the model cannot answer this question.' });
    stopReason = 'guardrail_intervened';
  } else {
    let text = toolResult ? `tool result: ${textOf(toolResult.content)}` : `echo: ${lastUserText}`;
    for (const stop of inference.stopSequences ?? []) {
      const at = text.indexOf(stop);
      if (at >= 0) {
        text = text.slice(0, at);
        stopReason = 'stop_sequence';
      }
    }
    const words = text.split(' ');
    if (inference.maxTokens && words.length > inference.maxTokens) {
      text = words.slice(0, inference.maxTokens).join(' ');
      stopReason = 'max_tokens';
    }
    content.push({ text });
  }
  const input = messages.reduce((n, m) => n + 4 + tokens(textOf(m.content)), 3) + tokens(system);
  const output = content.reduce((n, b) => n + (b.text !== undefined ? tokens(b.text) : b.toolUse ? tokens(JSON.stringify(b.toolUse.input)) + 3 : 5), 0);
  const cached = system.startsWith('cached:');
  const usage: TokenUsage = { inputTokens: input, outputTokens: output, totalTokens: input + output + (cached ? 12 : 0) };
  if (cached) Object.assign(usage, { cacheReadInputTokens: 10, cacheWriteInputTokens: 2 });
  return { content, stopReason, usage };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function streamEvents(a: Answer): StreamEvent[] {
  const events: StreamEvent[] = [['messageStart', { role: 'assistant' }]];
  a.content.forEach((block, i) => {
    if (block.toolUse) {
      const t = block.toolUse;
      events.push(['contentBlockStart', { contentBlockIndex: i, start: { toolUse: { toolUseId: t.toolUseId, name: t.name } } }]);
      const json = JSON.stringify(t.input);
      const mid = Math.ceil(json.length / 2);
      events.push(['contentBlockDelta', { contentBlockIndex: i, delta: { toolUse: { input: json.slice(0, mid) } } }]);
      events.push(['contentBlockDelta', { contentBlockIndex: i, delta: { toolUse: { input: json.slice(mid) } } }]);
    } else if (block.reasoningContent?.reasoningText) {
      const r = block.reasoningContent.reasoningText;
      events.push(['contentBlockDelta', { contentBlockIndex: i, delta: { reasoningContent: { text: r.text ?? '' } } }]);
      events.push(['contentBlockDelta', { contentBlockIndex: i, delta: { reasoningContent: { signature: r.signature ?? '' } } }]);
    } else if (block.text !== undefined) {
      for (const piece of block.text.match(/\s*\S+/g) ?? ['']) events.push(['contentBlockDelta', { contentBlockIndex: i, delta: { text: piece } }]);
    }
    events.push(['contentBlockStop', { contentBlockIndex: i }]);
  });
  events.push(['messageStop', { stopReason: a.stopReason }]);
  events.push(['metadata', { usage: a.usage, metrics: { latencyMs: 42 } }]);
  return events;
}

async function writeFrames(res: http.ServerResponse, frames: Uint8Array[], fault: Fault | undefined): Promise<void> {
  for (const [i, frame] of frames.entries()) {
    if (fault?.dropAfterEvents !== undefined && i >= fault.dropAfterEvents) {
      res.socket?.destroy();
      return;
    }
    await new Promise<void>((resolve) => res.write(frame, () => resolve()));
  }
  res.end();
}

/**
 * Starts the Bedrock emulator; point a deployment's `apiBase` at `emu.origin`.
 *
 * @example
 * ```ts
 * const emu = await startBedrockEmulator();
 * // bedrock({ apiBase: emu.origin, region: emu.region, ...emu.credentials })
 * ```
 */
export async function startBedrockEmulator(options: BedrockEmulatorOptions = {}): Promise<BedrockEmulator> {
  const creds = options.credentials ?? [{ accessKeyId: 'AKIDEMULATOR000001', secretAccessKey: 'emulator-secret-key' }];
  const region = options.region ?? 'us-east-1';
  const models = new Set(
    options.models ?? [
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'amazon.nova-lite-v1:0',
      'amazon.nova-2-lite-v1:0',
      'meta.llama3-70b-instruct-v1:0',
      ...BEDROCK_EMBEDDING_MODELS,
    ],
  );
  const streamFaults: BedrockStreamFault[] = [];

  const fail = (res: http.ServerResponse, status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ message }));
    return true as const;
  };

  async function handle({ req, raw, res, fault }: EmulatorExchange): Promise<boolean> {
    const denied = await checkSignature(req, creds, region);
    if (denied) return fail(res, denied.status, denied.type, denied.message);
    const m = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(req.path.split('?')[0]!);
    if (req.method !== 'POST' || !m) return fail(res, 404, 'UnknownOperationException', 'Unknown operation');
    const modelId = decodeURIComponent(m[1]!);
    if (modelId.startsWith('denied.')) return fail(res, 403, 'AccessDeniedException', "You don't have access to the model with the specified model ID.");
    if (!models.has(modelId)) return fail(res, 400, 'ValidationException', 'The provided model identifier is invalid.');
    if (m[2] === 'invoke') {
      if (!BEDROCK_EMBEDDING_MODELS.includes(modelId)) return fail(res, 400, 'ValidationException', 'The emulator serves InvokeModel for embedding models only.');
      if (req.body === undefined) return fail(res, 400, 'SerializationException', 'Malformed input request, please reformat your input and try again.');
      return invokeEmbedding({ req, raw, res, fault }, modelId, (status, type, message) => fail(res, status, type, message));
    }
    if (BEDROCK_EMBEDDING_MODELS.includes(modelId)) return fail(res, 400, 'ValidationException', "This action doesn't support the model that you provided. Try again with a supported text or chat model.");
    if (req.body === undefined) return fail(res, 400, 'SerializationException', 'Malformed input request, please reformat your input and try again.');
    const problem = checkConverseRequest(req.body) ?? checkConverseForModel(req.body as Obj, modelId);
    if (problem) return fail(res, 400, 'ValidationException', problem);
    const answer = converseAnswer(req.body as Obj);
    const requestId = randomUUID();
    if (m[2] === 'converse') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
      const out: ConverseResponse = { output: { message: { role: 'assistant', content: answer.content } }, stopReason: answer.stopReason, usage: answer.usage, metrics: { latencyMs: 42 } };
      res.end(JSON.stringify(out));
      return true;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
    let frames = streamEvents(answer).map(([type, payload]) => eventFrame(type, { ...payload, p: 'abcdefghij' }));
    const sf = streamFaults.shift();
    if (sf) frames = [...frames.slice(0, sf.afterEvents ?? 2), eventFrame(sf.exceptionType, { message: sf.message }, 'exception')];
    await writeFrames(res, frames, fault);
    return true;
  }

  const emu = await startEmulator(handle, { port: options.port });
  return Object.assign(emu, {
    credentials: creds[0]!,
    region,
    streamException: (f: BedrockStreamFault) => void streamFaults.push(f),
  });
}
