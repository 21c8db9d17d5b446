/**
 * Pricing a call's usage: per-deployment overrides win, else the maintained price database
 * (@pydantic/genai-prices, offline, with price tiers). Unknown model → null, never 0.
 */
import { calcPrice } from '@pydantic/genai-prices';
import type { Deployment, DeploymentPricing, Usage } from '@switchyard/core';

/** Our provider ids → price-database provider ids. */
export const PRICE_PROVIDER: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure',
  azure_ai: 'azure',
  anthropic: 'anthropic',
  gemini: 'google',
  vertex_ai: 'google',
  bedrock: 'aws',
};

/** The token counts a price is made of. */
export interface TokenCounts {
  /** All input tokens, cached ones included. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** All output tokens, reasoning included. */
  output: number;
  reasoning: number;
}

/**
 * Token counts from chat usage.
 *
 * @example
 * ```ts
 * tokenCounts({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }).input; // 10
 * ```
 */
export function tokenCounts(u: Usage): TokenCounts {
  return {
    input: u.prompt_tokens ?? 0,
    cacheRead: u.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWrite: u.prompt_tokens_details?.cache_write_tokens ?? 0,
    output: u.completion_tokens ?? 0,
    reasoning: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

function fromOverrides(t: TokenCounts, p: DeploymentPricing, batch: boolean): number | null {
  const inPrice = (batch ? p.inputCostPerTokenBatches : undefined) ?? p.inputCostPerToken;
  const outPrice = (batch ? p.outputCostPerTokenBatches : undefined) ?? p.outputCostPerToken;
  if (inPrice === undefined || outPrice === undefined) return null;
  const uncached = Math.max(0, t.input - t.cacheRead - t.cacheWrite);
  return (
    uncached * inPrice +
    t.cacheRead * (p.cacheReadCostPerToken ?? inPrice) +
    t.cacheWrite * (p.cacheWriteCostPerToken ?? inPrice) +
    t.output * outPrice
  );
}

/**
 * The cost in USD of `usage` on `deployment`, or null when no price is known.
 *
 * @example
 * ```ts
 * priceUsage({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }, { provider: 'openai', model: 'gpt-4o' }); // 0.0075
 * ```
 */
export function priceUsage(usage: Usage, deployment: Pick<Deployment, 'provider' | 'model' | 'pricing'>, options: { batch?: boolean; batchDiscount?: number } = {}): number | null {
  const t = tokenCounts(usage);
  if (deployment.pricing) {
    const overridden = fromOverrides(t, deployment.pricing, options.batch === true);
    if (overridden !== null) return overridden;
  }
  const providerId = PRICE_PROVIDER[deployment.provider];
  let result;
  try {
    result = calcPrice(
      { input_tokens: t.input, output_tokens: t.output, cache_read_tokens: t.cacheRead || undefined, cache_write_tokens: t.cacheWrite || undefined },
      deployment.model,
      providerId ? { providerId } : {},
    );
  } catch {
    result = null;
  }
  if (!result) return null;
  const batchPrices = options.batch === true && (deployment.pricing?.inputCostPerTokenBatches !== undefined || deployment.pricing?.outputCostPerTokenBatches !== undefined);
  return options.batch && !batchPrices ? result.total_price * (1 - (options.batchDiscount ?? 0.5)) : result.total_price;
}
