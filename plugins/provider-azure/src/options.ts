/**
 * Options of the Azure provider plugin and of its deployments.
 */
import { parseDeploymentOptions, z } from '@switchyard/core';

const tokenProvider = z.custom<() => Promise<string> | string>((v) => typeof v === 'function', { message: 'expected an async function returning a token' });

/** Plugin options (code configs may pass `azureAdTokenProvider`, a function). */
export const AzureOptionsSchema = z.strictObject({
  /** Default Azure OpenAI endpoint (default: $AZURE_API_BASE or $AZURE_OPENAI_ENDPOINT). */
  apiBase: z.url().optional(),
  /** Default API key (default: $AZURE_API_KEY or $AZURE_OPENAI_API_KEY). */
  apiKey: z.string().optional(),
  /** Default API version (default: $AZURE_API_VERSION or 2024-10-21); `v1` selects the v1 GA URLs. */
  apiVersion: z.string().min(1).optional(),
  /** A fixed Microsoft Entra ID token (default: $AZURE_AD_TOKEN). */
  azureAdToken: z.string().optional(),
  /** Called per request for an Entra ID token; used when no key is configured. */
  azureAdTokenProvider: tokenProvider.optional(),
  /** Azure AI Foundry (`azure_ai`) defaults: endpoint ($AZURE_AI_API_BASE), key ($AZURE_AI_API_KEY), API version. */
  azureAi: z
    .strictObject({ apiBase: z.url().optional(), apiKey: z.string().optional(), apiVersion: z.string().min(1).optional() })
    .optional(),
  /** Extra headers on every upstream request. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Default upstream timeout in ms. */
  timeoutMs: z.number().int().positive().optional(),
});

/** Provider-specific keys of a model entry. */
export const AzureDeploymentSchema = z.strictObject({
  /** API version for this deployment (`v1` for the v1 GA URLs). */
  apiVersion: z.string().min(1).optional(),
  /** Azure deployment name when it differs from `model`. */
  azureDeployment: z.string().min(1).optional(),
  /** A fixed Entra ID token for this deployment. */
  azureAdToken: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** Options of the Azure provider. */
export type AzureProviderOptions = z.input<typeof AzureOptionsSchema>;
/** Parsed options. */
export type AzureOptions = z.output<typeof AzureOptionsSchema>;
/** Provider-specific deployment keys. */
export type AzureDeploymentOptions = z.output<typeof AzureDeploymentSchema>;

/**
 * Validates a deployment's provider-specific keys; throws with a readable message.
 *
 * @example
 * ```ts
 * validateAzureDeployment({ apiVersion: 'v1' });
 * ```
 */
export function validateAzureDeployment(options: Record<string, unknown>): void {
  parseDeploymentOptions(AzureDeploymentSchema, options);
}
