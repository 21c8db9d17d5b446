/**
 * Options of the Bedrock provider plugin and of its deployments.
 */
import { parseDeploymentOptions, z } from '@switchyard/core';

const credentialKeys = {
  /** AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1). */
  region: z.string().min(1).optional(),
  accessKeyId: z.string().min(1).optional(),
  secretAccessKey: z.string().min(1).optional(),
  sessionToken: z.string().min(1).optional(),
  /** Shared-config profile for the default credential chain. */
  profile: z.string().min(1).optional(),
};

/** Plugin options. */
export const BedrockOptionsSchema = z.strictObject({
  ...credentialKeys,
  /** Endpoint override (default `https://bedrock-runtime.{region}.amazonaws.com`). */
  apiBase: z.url().optional(),
  /** Extra headers on every upstream request (signed). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Default upstream timeout in ms. */
  timeoutMs: z.number().int().positive().optional(),
});

/** A Bedrock guardrail applied to every call of a deployment (Converse `guardrailConfig`). */
const GuardrailSchema = z.strictObject({
  guardrailIdentifier: z.string().min(1),
  guardrailVersion: z.string().min(1),
  trace: z.enum(['enabled', 'disabled', 'enabled_full']).optional(),
});

/** Provider-specific keys of a model entry. */
export const BedrockDeploymentSchema = z.strictObject({
  ...credentialKeys,
  headers: z.record(z.string(), z.string()).optional(),
  /** Guardrail for this deployment; an intervention ends the answer with `finish_reason: content_filter`. */
  guardrailConfig: GuardrailSchema.optional(),
  /**
   * How `response_format` is served: `native` sends Converse `outputConfig.textFormat`, `tool`
   * a forced tool whose input becomes the answer. Default: `native` for the models Bedrock lists
   * for structured output (Claude Sonnet/Haiku/Opus 4.5 and later), `tool` for the others.
   */
  structuredOutput: z.enum(['native', 'tool']).optional(),
});

/** Options of the Bedrock provider. */
export type BedrockProviderOptions = z.input<typeof BedrockOptionsSchema>;
/** Provider-specific deployment keys. */
export type BedrockDeploymentOptions = z.output<typeof BedrockDeploymentSchema>;

/**
 * Validates a deployment's provider-specific keys; throws with a readable message.
 *
 * @example
 * ```ts
 * validateBedrockDeployment({ region: 'eu-west-1' });
 * ```
 */
export function validateBedrockDeployment(options: Record<string, unknown>): void {
  const data = parseDeploymentOptions(BedrockDeploymentSchema, options);
  if (Boolean(data.accessKeyId) !== Boolean(data.secretAccessKey)) throw new Error('accessKeyId and secretAccessKey go together');
}
