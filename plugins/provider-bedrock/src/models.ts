/**
 * What a Bedrock model id can do, read from the id (inference-profile prefixes such as
 * `us.` and ARNs included): the mapping uses it to pick thinking, structured-output and
 * tool strategies, and to refuse what the model cannot serve before calling upstream.
 */

/**
 * Whether a Converse model id is an Anthropic model (directly or through an inference profile).
 *
 * @example
 * ```ts
 * isAnthropicModel('us.anthropic.claude-sonnet-4-5-20250929-v1:0'); // true
 * ```
 */
export function isAnthropicModel(modelId: string): boolean {
  return /(^|[.:/])anthropic\./.test(modelId);
}

/**
 * Whether the model takes Converse `outputConfig.textFormat` (Bedrock's structured-output
 * list: Claude Sonnet 4.5, Haiku 4.5, Opus 4.5, Opus 4.6 and later Claude models).
 *
 * @example
 * ```ts
 * supportsNativeStructuredOutput('anthropic.claude-haiku-4-5-20251001-v1:0'); // true
 * supportsNativeStructuredOutput('anthropic.claude-3-5-sonnet-20240620-v1:0'); // false
 * ```
 */
export function supportsNativeStructuredOutput(modelId: string): boolean {
  return /(^|[.:/])anthropic\.claude-(sonnet|haiku|opus)-(4-([5-9]|\d\d)|[5-9])/.test(modelId);
}

/** Model families whose Converse API has no tool use (Bedrock's "supported models and features" table). */
const NO_TOOLS = /(^|[.:/])(amazon\.titan-text|meta\.llama2|meta\.llama3-(8|70)b|mistral\.mistral-7b|mistral\.mixtral|cohere\.command-(text|light)|ai21\.j2)/;

/**
 * Whether the model takes `toolConfig` (tools and forced tools).
 *
 * @example
 * ```ts
 * supportsToolUse('meta.llama3-70b-instruct-v1:0'); // false
 * ```
 */
export function supportsToolUse(modelId: string): boolean {
  return !NO_TOOLS.test(modelId);
}

/**
 * Whether the model is an Amazon Nova 2 model (reasoning through `reasoningConfig`).
 *
 * @example
 * ```ts
 * isNova2('us.amazon.nova-2-lite-v1:0'); // true
 * ```
 */
export function isNova2(modelId: string): boolean {
  return /(^|[.:/])amazon\.nova-2-/.test(modelId);
}
