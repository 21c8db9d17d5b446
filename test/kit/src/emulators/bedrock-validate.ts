/**
 * Validation of Converse request bodies as strict as Bedrock's: the messages the real
 * service answers with a 400 `ValidationException` for, after the Converse API reference
 * (field constraints in AWS's "1 validation error detected" wording) and, for what the
 * model itself refuses, the model's own error text as Bedrock relays it.
 */
import { createHash } from 'node:crypto';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const BLOCK_KEYS = new Set(['text', 'image', 'document', 'video', 'toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent']);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const TOP_KEYS = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'promptVariables',
  'additionalModelResponseFieldPaths',
  'requestMetadata',
  'performanceConfig',
  'serviceTier',
  'outputConfig',
]);

/** AWS's wording for a field that breaks a documented constraint. */
const constraint = (value: unknown, at: string, rule: string) => `1 validation error detected: Value '${String(value)}' at '${at}' failed to satisfy constraint: ${rule}`;

/** A `toolUseId` problem, as AWS words it (1-64 characters of `[a-zA-Z0-9_-]`). */
function toolUseIdError(id: unknown, at: string): string | undefined {
  if (typeof id !== 'string') return `The toolUseId at ${at} must be a string.`;
  if (id.length > 64) return constraint(id, at, 'Member must have length less than or equal to 64');
  if (!/^[a-zA-Z0-9_-]+$/.test(id)) return constraint(id, at, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+');
  return undefined;
}

/** `messages.0.content.1` → AWS's 1-based `messages.1.member.content.2.member`. */
function memberPath(path: string): string {
  return path.replace(/\.(\d+)/g, (_, n: string) => `.${Number(n) + 1}.member`);
}

function reasoningError(path: string, r: unknown): string | undefined {
  if (!isObj(r) || Object.keys(r).length !== 1) return `The reasoningContent block at ${path} must set exactly one of reasoningText, redactedContent.`;
  if ('reasoningText' in r) {
    const t = r.reasoningText as Obj;
    if (!isObj(t) || typeof t.text !== 'string') return `The reasoningText at ${path}.reasoningContent needs text.`;
    if (t.signature !== undefined && typeof t.signature !== 'string') return `The reasoningText signature at ${path}.reasoningContent must be a string.`;
    for (const k of Object.keys(t)) if (k !== 'text' && k !== 'signature') return `Malformed input request: extraneous key [${k}] is not permitted, please reformat your input and try again.`;
  } else if ('redactedContent' in r) {
    if (typeof r.redactedContent !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(r.redactedContent)) return `Invalid base64 redactedContent at ${path}.reasoningContent.`;
  } else return `The reasoningContent block at ${path} must set exactly one of reasoningText, redactedContent.`;
  return undefined;
}

function blockError(path: string, block: unknown): string | undefined {
  if (!isObj(block)) return `Value at '${path}' failed to satisfy constraint: Member must be an object`;
  const keys = Object.keys(block);
  if (keys.length !== 1 || !BLOCK_KEYS.has(keys[0]!)) return `The content block at ${path} must set exactly one of ${[...BLOCK_KEYS].join(', ')}.`;
  if ('text' in block && (typeof block.text !== 'string' || !block.text.trim())) return `The text field in the ContentBlock object at ${path} is blank. Add text to the text field, and try again.`;
  if ('reasoningContent' in block) {
    const e = reasoningError(path, block.reasoningContent);
    if (e) return e;
  }
  if ('image' in block) {
    const img = block.image as Obj;
    if (!isObj(img) || !IMAGE_FORMATS.has(img.format as string)) return `Value at '${path}.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]`;
    const bytes = (img.source as Obj | undefined)?.bytes;
    if (typeof bytes !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(bytes)) return `Invalid base64 image bytes at ${path}.image.source.bytes.`;
  }
  if ('toolUse' in block) {
    const t = block.toolUse as Obj;
    if (!isObj(t) || typeof t.toolUseId !== 'string' || typeof t.name !== 'string' || !('input' in t)) return `The toolUse block at ${path} needs toolUseId, name and input.`;
    const idProblem = toolUseIdError(t.toolUseId, `${memberPath(path)}.toolUse.toolUseId`);
    if (idProblem) return idProblem;
  }
  if ('toolResult' in block) {
    const t = block.toolResult as Obj;
    if (!isObj(t) || typeof t.toolUseId !== 'string' || !Array.isArray(t.content)) return `The toolResult block at ${path} needs toolUseId and content.`;
    const idProblem = toolUseIdError(t.toolUseId, `${memberPath(path)}.toolResult.toolUseId`);
    if (idProblem) return idProblem;
    for (const [i, c] of (t.content as unknown[]).entries()) {
      if (!isObj(c) || Object.keys(c).length !== 1 || !['text', 'json', 'image', 'document'].includes(Object.keys(c)[0]!)) return `The toolResult content at ${path}.toolResult.content.${i} is invalid.`;
    }
  }
  return undefined;
}

function toolConfigError(body: Obj): string | undefined {
  const tc = body.toolConfig;
  if (tc === undefined) return undefined;
  if (!isObj(tc) || !Array.isArray(tc.tools) || tc.tools.length === 0) return "Value at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1";
  const names = new Set<string>();
  for (const [i, t] of (tc.tools as unknown[]).entries()) {
    const spec = isObj(t) ? (t.toolSpec as Obj | undefined) : undefined;
    if (!isObj(spec) || typeof spec.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) return `Value at 'toolConfig.tools.${i + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`;
    if (!isObj(spec.inputSchema) || !isObj(spec.inputSchema.json)) return `The toolSpec at toolConfig.tools.${i} needs inputSchema.json.`;
    for (const k of Object.keys(spec)) if (!['name', 'description', 'inputSchema', 'strict'].includes(k)) return `Malformed input request: extraneous key [${k}] is not permitted, please reformat your input and try again.`;
    if (spec.strict !== undefined && typeof spec.strict !== 'boolean') return constraint(spec.strict, `toolConfig.tools.${i + 1}.member.toolSpec.strict`, 'Member must be a boolean');
    names.add(spec.name);
  }
  const choice = tc.toolChoice;
  if (choice !== undefined) {
    if (!isObj(choice) || Object.keys(choice).length !== 1 || !['auto', 'any', 'tool'].includes(Object.keys(choice)[0]!)) return 'toolChoice must set exactly one of auto, any, tool.';
    if ('tool' in choice && !names.has((choice.tool as Obj | undefined)?.name as string)) return 'The tool named in toolChoice is not in toolConfig.tools.';
  }
  return undefined;
}

function inferenceError(body: Obj): string | undefined {
  const ic = body.inferenceConfig;
  if (ic === undefined) return undefined;
  if (!isObj(ic)) return 'inferenceConfig must be an object.';
  if (ic.maxTokens !== undefined && (!Number.isInteger(ic.maxTokens) || (ic.maxTokens as number) < 1)) return "Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1";
  if (ic.temperature !== undefined && (typeof ic.temperature !== 'number' || ic.temperature < 0 || ic.temperature > 1)) return "Value at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1";
  if (ic.topP !== undefined && (typeof ic.topP !== 'number' || ic.topP < 0 || ic.topP > 1)) return "Value at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value less than or equal to 1";
  if (ic.stopSequences !== undefined && (!Array.isArray(ic.stopSequences) || ic.stopSequences.some((s) => typeof s !== 'string' || !s))) return "Value at 'inferenceConfig.stopSequences' failed to satisfy constraint: Member must contain non-empty strings";
  return undefined;
}

/**
 * Checks a Converse body; returns the ValidationException message, or undefined when valid.
 *
 * @example
 * ```ts
 * checkConverseRequest({ messages: [] }); // 'A conversation must start with a user message. …'
 * ```
 */
export function checkConverseRequest(body: unknown): string | undefined {
  if (!isObj(body)) return 'Malformed input request, please reformat your input and try again.';
  for (const k of Object.keys(body)) if (!TOP_KEYS.has(k)) return `Malformed input request: extraneous key [${k}] is not permitted, please reformat your input and try again.`;
  if (body.messages === undefined || body.messages === null) return "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null";
  if (!Array.isArray(body.messages)) return "Value at 'messages' failed to satisfy constraint: Member must be a list";
  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) return "Value at 'system' failed to satisfy constraint: Member must be a list";
    for (const [i, s] of body.system.entries()) {
      if (!isObj(s) || Object.keys(s).length !== 1 || (!('text' in s) && !('cachePoint' in s) && !('guardContent' in s))) return `The system block at system.${i} must set exactly one of text, guardContent, cachePoint.`;
      if ('text' in s && (typeof s.text !== 'string' || !s.text.trim())) return `The text field in the SystemContentBlock object at system.${i} is blank. Add text to the text field, and try again.`;
    }
  }
  const messages = body.messages as unknown[];
  if (messages.length === 0 || !isObj(messages[0]) || messages[0].role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  let usesTools = false;
  let previousToolUses = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant')) return `Value at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`;
    if (i > 0 && (messages[i - 1] as Obj).role === m.role) return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    if (!Array.isArray(m.content) || m.content.length === 0) return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    const toolUses = new Set<string>();
    const toolResults: string[] = [];
    for (const [j, b] of (m.content as unknown[]).entries()) {
      const e = blockError(`messages.${i}.content.${j}`, b);
      if (e) return e;
      const block = b as Obj;
      if ('toolUse' in block) {
        if (m.role !== 'assistant') return `toolUse blocks at messages.${i}.content are only allowed in assistant messages.`;
        toolUses.add((block.toolUse as Obj).toolUseId as string);
        usesTools = true;
      }
      if ('toolResult' in block) {
        if (m.role !== 'user') return `toolResult blocks at messages.${i}.content are only allowed in user messages.`;
        toolResults.push((block.toolResult as Obj).toolUseId as string);
        usesTools = true;
      }
    }
    if (toolResults.length > previousToolUses.size) return `The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`;
    for (const id of toolResults) if (!previousToolUses.has(id)) return `The toolResult block at messages.${i}.content references toolUseId ${id}, which is not a toolUse of the previous turn.`;
    if (m.role === 'user' && previousToolUses.size > 0) {
      const missing = [...previousToolUses].filter((id) => !toolResults.includes(id));
      if (missing.length) return `Expected toolResult blocks at messages.${i}.content for the following Ids: ${missing.join(', ')}`;
    }
    previousToolUses = toolUses;
  }
  const g = body.guardrailConfig;
  if (g !== undefined && (!isObj(g) || typeof g.guardrailIdentifier !== 'string' || typeof g.guardrailVersion !== 'string')) {
    return "Value at 'guardrailConfig' failed to satisfy constraint: guardrailIdentifier and guardrailVersion are required";
  }
  if (usesTools && body.toolConfig === undefined) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  return toolConfigError(body) ?? inferenceError(body) ?? metadataError(body) ?? outputConfigError(body);
}

const METADATA = /^[a-zA-Z0-9\s:_@$#=/+,.-]*$/;

function metadataError(body: Obj): string | undefined {
  const md = body.requestMetadata;
  if (md !== undefined) {
    if (!isObj(md)) return "Value at 'requestMetadata' failed to satisfy constraint: Member must be a map";
    for (const [k, v] of Object.entries(md)) {
      if (!k || k.length > 256 || !METADATA.test(k)) return constraint(k, 'requestMetadata', 'Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{1,256}]');
      if (typeof v !== 'string' || v.length > 256 || !METADATA.test(v)) return constraint(v, 'requestMetadata', 'Map values must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{0,256}]');
    }
  }
  const tier = body.serviceTier;
  if (tier !== undefined && (!isObj(tier) || !['default', 'flex', 'priority', 'reserved'].includes(tier.type as string))) {
    return constraint(isObj(tier) ? tier.type : tier, 'serviceTier.type', 'Member must satisfy enum value set: [default, flex, priority, reserved]');
  }
  return undefined;
}

function outputConfigError(body: Obj): string | undefined {
  const oc = body.outputConfig;
  if (oc === undefined) return undefined;
  const tf = isObj(oc) ? (oc.textFormat as Obj | undefined) : undefined;
  if (!isObj(tf) || tf.type !== 'json_schema') return constraint(isObj(tf) ? tf.type : undefined, 'outputConfig.textFormat.type', 'Member must satisfy enum value set: [json_schema]');
  const js = isObj(tf.structure) ? (tf.structure.jsonSchema as Obj | undefined) : undefined;
  if (!isObj(js) || typeof js.schema !== 'string') return "1 validation error detected: Value null at 'outputConfig.textFormat.structure.jsonSchema.schema' failed to satisfy constraint: Member must not be null";
  try {
    if (!isObj(JSON.parse(js.schema))) throw new Error('not an object');
  } catch {
    return 'The JSON schema in outputConfig.textFormat.structure.jsonSchema.schema is not valid JSON.';
  }
  return undefined;
}

/**
 * The signature the emulated Claude gives a reasoning text (deterministic, so a replayed
 * block can be verified without state; different from the Anthropic emulator's).
 *
 * @example
 * ```ts
 * reasoningSignature('Considering: hi (budget 1024)'); // 'EqQBCkYIBRgCKkB…'
 * ```
 */
export function reasoningSignature(text: string): string {
  return `EqQB${createHash('sha256').update(`bedrock:${text}`).digest('base64').slice(0, 40)}`;
}

const modelErrors = (message: string) => `The model returned the following errors: ${message}`;
const ANTHROPIC = /(^|[.:/])anthropic\./;
const NATIVE_STRUCTURED = /(^|[.:/])anthropic\.claude-(sonnet|haiku|opus)-(4-([5-9]|\d\d)|[5-9])/;
const NO_TOOLS = /(^|[.:/])(amazon\.titan-text|meta\.llama2|meta\.llama3-(8|70)b|mistral\.mistral-7b|mistral\.mixtral|cohere\.command-(text|light)|ai21\.j2)/;

/** Claude's extended-thinking rules, as Bedrock relays them from the model. */
function thinkingError(body: Obj, messages: Obj[]): string | undefined {
  const thinking = (body.additionalModelRequestFields as Obj | undefined)?.thinking as Obj | undefined;
  if (!isObj(thinking)) return undefined;
  if (thinking.type !== 'enabled' && thinking.type !== 'disabled') return modelErrors("thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled'");
  if (thinking.type === 'enabled') {
    const budget = thinking.budget_tokens;
    if (!Number.isInteger(budget) || (budget as number) < 1024) return modelErrors('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    const maxTokens = (body.inferenceConfig as Obj | undefined)?.maxTokens;
    if (typeof maxTokens !== 'number' || maxTokens <= (budget as number)) return modelErrors('`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size');
    const choice = (body.toolConfig as Obj | undefined)?.toolChoice as Obj | undefined;
    if (isObj(choice) && ('any' in choice || 'tool' in choice)) return modelErrors('Thinking may not be enabled when tool_choice forces tool use.');
    // the assistant turn before a closing run of tool results must start with its thinking
    const last = messages.at(-1);
    const lastAssistant = messages.findLastIndex((m) => m.role === 'assistant');
    const inToolLoop = (last?.content as Obj[] | undefined)?.some((b) => 'toolResult' in b) === true;
    if (inToolLoop && lastAssistant >= 0) {
      const first = (messages[lastAssistant]!.content as Obj[])[0]!;
      if (!('reasoningContent' in first)) {
        const found = 'toolUse' in first ? 'tool_use' : 'text' in first ? 'text' : Object.keys(first)[0];
        return modelErrors(
          `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${found}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
        );
      }
    }
  }
  for (const [i, m] of messages.entries()) {
    for (const [j, b] of (m.content as Obj[]).entries()) {
      const r = (b.reasoningContent as Obj | undefined)?.reasoningText as Obj | undefined;
      if (!isObj(r)) continue;
      if (typeof r.signature !== 'string' || r.signature !== reasoningSignature(r.text as string)) return modelErrors(`messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
    }
  }
  return undefined;
}

/**
 * The checks of a Converse body that depend on the model: tool use, `strict` tools and
 * `outputConfig` only on the models that have them, the model's own request fields, and
 * Claude's extended-thinking rules (thinking first in the turn that closes with tool
 * results, signatures verified, no forced tool).
 *
 * @example
 * ```ts
 * checkConverseForModel(body, 'meta.llama3-70b-instruct-v1:0'); // "This model doesn't support tool use."
 * ```
 */
export function checkConverseForModel(body: Obj, modelId: string): string | undefined {
  const messages = body.messages as Obj[];
  const anthropic = ANTHROPIC.test(modelId);
  if (NO_TOOLS.test(modelId) && (body.toolConfig !== undefined || messages.some((m) => (m.content as Obj[]).some((b) => 'toolUse' in b || 'toolResult' in b)))) {
    return "This model doesn't support tool use.";
  }
  const tools = ((body.toolConfig as Obj | undefined)?.tools ?? []) as Obj[];
  if (!NATIVE_STRUCTURED.test(modelId)) {
    if (body.outputConfig !== undefined) return 'This model does not support structured output (outputConfig.textFormat).';
    if (tools.some((t) => (t.toolSpec as Obj).strict === true)) return 'This model does not support strict tool use (toolSpec.strict).';
  }
  const extra = body.additionalModelRequestFields;
  if (isObj(extra)) {
    const allowed = anthropic ? ['thinking', 'top_k', 'anthropic_beta'] : /(^|[.:/])amazon\.nova-2-/.test(modelId) ? ['reasoningConfig', 'inferenceConfig'] : [];
    for (const k of Object.keys(extra)) if (!allowed.includes(k)) return modelErrors(`Malformed input request: extraneous key [${k}] is not permitted, please reformat your input and try again.`);
    const rc = extra.reasoningConfig as Obj | undefined;
    if (rc !== undefined && (!isObj(rc) || !['enabled', 'disabled'].includes(rc.type as string) || (rc.maxReasoningEffort !== undefined && !['low', 'medium', 'high'].includes(rc.maxReasoningEffort as string)))) {
      return modelErrors('reasoningConfig: type must be enabled or disabled, maxReasoningEffort one of low, medium, high.');
    }
  }
  return anthropic ? thinkingError(body, messages) : messages.some((m) => (m.content as Obj[]).some((b) => 'reasoningContent' in b)) ? 'This model does not support reasoningContent blocks in messages.' : undefined;
}
