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
  // a call with no output (embeddings) needs no output price: an embedding model's entry sets only its input price
  const outPrice = (batch ? p.outputCostPerTokenBatches : undefined) ?? p.outputCostPerToken ?? (t.output === 0 ? 0 : undefined);
  if (inPrice === undefined || outPrice === undefined) return null;
  const uncached = Math.max(0, t.input - t.cacheRead - t.cacheWrite);
  return (
    uncached * inPrice +
    t.cacheRead * (p.cacheReadCostPerToken ?? inPrice) +
    t.cacheWrite * (p.cacheWriteCostPerToken ?? inPrice) +
    t.output * outPrice
  );
}

/** Per-token prices of a model whose price is linear in the token counts. */
interface LinearPrice {
  perCall: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

const linearTotal = (p: LinearPrice, t: TokenCounts) =>
  p.perCall + Math.max(0, t.input - t.cacheRead - t.cacheWrite) * p.input + t.cacheRead * p.cacheRead + t.cacheWrite * p.cacheWrite + t.output * p.output;

const toUsage = (t: Partial<TokenCounts>) => ({
  input_tokens: t.input ?? 0,
  output_tokens: t.output ?? 0,
  cache_read_tokens: t.cacheRead || undefined,
  cache_write_tokens: t.cacheWrite || undefined,
});

function lookup(t: Partial<TokenCounts>, model: string, providerId: string | undefined) {
  try {
    return calcPrice(toUsage(t), model, providerId ? { providerId } : {});
  } catch {
    return null;
  }
}

/**
 * The per-token prices of `model`, read off the price database once: what it charges for a
 * million tokens of each kind. Only for prices that are linear (no tiers, no prices that depend
 * on the date or time of day), checked against the database on a mixed usage; `not-linear`
 * otherwise, `unknown` when the database does not know the model.
 */
function linearPriceOf(model: string, providerId: string | undefined): LinearPrice | 'unknown' | 'not-linear' {
  const zero = lookup({}, model, providerId);
  if (!zero) return 'unknown';
  const tiered = Array.isArray(zero.model.prices) || Object.values(zero.model_price).some((v) => typeof v === 'object');
  if (tiered) return 'not-linear';
  const M = 1_000_000;
  const at = (t: Partial<TokenCounts>) => lookup(t, model, providerId)?.total_price ?? Number.NaN;
  const perCall = zero.total_price;
  const price: LinearPrice = {
    perCall,
    input: (at({ input: M }) - perCall) / M,
    cacheRead: (at({ input: M, cacheRead: M }) - perCall) / M,
    cacheWrite: (at({ input: M, cacheWrite: M }) - perCall) / M,
    output: (at({ output: M }) - perCall) / M,
  };
  const check: TokenCounts = { input: 123_457, cacheRead: 23_456, cacheWrite: 1_234, output: 6_789, reasoning: 0 };
  const expected = at(check);
  return Math.abs(linearTotal(price, check) - expected) <= 1e-12 * Math.max(1, expected) ? price : 'not-linear';
}

const MAX_MODELS = 1000;
const linearPrices = new Map<string, LinearPrice | 'unknown' | 'not-linear'>();

/**
 * The database price of token counts `t` on `model`: from the model's per-token prices when
 * its price is linear (found once per model; the database's own calculation costs ~25 µs a
 * call, 6% of the gateway's CPU in the benchmark), else the database's calculation each time.
 */
function databasePrice(t: TokenCounts, model: string, providerId: string | undefined): number | null {
  const key = `${providerId ?? ''}\u0000${model}`;
  let linear = linearPrices.get(key);
  if (linear === undefined) {
    linear = linearPriceOf(model, providerId);
    if (linearPrices.size >= MAX_MODELS) linearPrices.delete(linearPrices.keys().next().value!);
    linearPrices.set(key, linear);
  }
  if (linear === 'unknown') return null;
  if (linear !== 'not-linear') return linearTotal(linear, t);
  return lookup(t, model, providerId)?.total_price ?? null;
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
  const batchPrices = options.batch === true && (deployment.pricing?.inputCostPerTokenBatches !== undefined || deployment.pricing?.outputCostPerTokenBatches !== undefined);
  // batch prices where configured, else the regular price less the batch discount (configured or from the database)
  const discounted = (total: number) => (options.batch && !batchPrices ? total * (1 - (options.batchDiscount ?? 0.5)) : total);
  if (deployment.pricing) {
    const overridden = fromOverrides(t, deployment.pricing, options.batch === true);
    if (overridden !== null) return discounted(overridden);
  }
  const total = databasePrice(t, deployment.model, PRICE_PROVIDER[deployment.provider]);
  if (total === null) return null;
  return discounted(total);
}

/**
 * USD per token of `deployment` (input and output averaged), from its overrides or the price
 * database's linear price, when known: what cost-based routing ranks by.
 *
 * @example
 * ```ts
 * perTokenPrice({ provider: 'openai', model: 'gpt-4o' }); // 0.00000625
 * ```
 */
export function perTokenPrice(deployment: Pick<Deployment, 'provider' | 'model' | 'pricing'>): number | undefined {
  const p = deployment.pricing;
  if (p?.inputCostPerToken !== undefined && p.outputCostPerToken !== undefined) return (p.inputCostPerToken + p.outputCostPerToken) / 2;
  const providerId = PRICE_PROVIDER[deployment.provider];
  const key = `${providerId ?? ''}\u0000${deployment.model}`;
  let linear = linearPrices.get(key);
  if (linear === undefined) {
    linear = linearPriceOf(deployment.model, providerId);
    linearPrices.set(key, linear);
  }
  return typeof linear === 'object' ? (linear.input + linear.output) / 2 : undefined;
}

/**
 * The context window of `deployment`'s model in tokens, from the price database, when known.
 *
 * @example
 * ```ts
 * contextWindowOf({ provider: 'openai', model: 'gpt-4o' }); // 128000
 * ```
 */
export function contextWindowOf(deployment: Pick<Deployment, 'provider' | 'model'>): number | undefined {
  const found = lookup({}, deployment.model, PRICE_PROVIDER[deployment.provider]);
  const window = (found?.model as { context_window?: number } | undefined)?.context_window;
  return typeof window === 'number' && window > 0 ? window : undefined;
}
