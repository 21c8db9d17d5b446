/**
 * Pricing a batch output file line by line with batch prices: the deployment's batch price
 * where configured, else the price database's price less the batch discount (50% by
 * default, the discount OpenAI and Anthropic publish). Only successful lines count.
 */
import type { Deployment, Usage } from '@switchyard/core';
import { priceUsage } from './price.js';

/** The priced batch. */
export interface BatchCost {
  /** Total USD over priced successful lines (null when no line could be priced). */
  cost: number | null;
  /** Successful lines (status 2xx with usage). */
  succeeded: number;
  /** Lines that failed or carried no usage (not charged). */
  skipped: number;
  /** Successful lines whose model has no known price. */
  unpriced: number;
}

interface OutputLine {
  response?: { status_code?: number; body?: { model?: string; usage?: Usage & { input_tokens?: number; output_tokens?: number } } } | null;
  error?: unknown;
}

/**
 * Prices a batch output file (JSON Lines of `{custom_id, response: {status_code, body}, error}`).
 *
 * @example
 * ```ts
 * const { cost } = priceBatchOutput(outputJsonl, { provider: 'openai', model: 'gpt-4o' });
 * ```
 */
export function priceBatchOutput(
  jsonl: string,
  deployment: Pick<Deployment, 'provider' | 'model' | 'pricing'>,
  options: { batchDiscount?: number } = {},
): BatchCost {
  let cost: number | null = null;
  let succeeded = 0;
  let skipped = 0;
  let unpriced = 0;
  for (const raw of jsonl.split('\n')) {
    const text = raw.trim();
    if (!text) continue;
    let line: OutputLine;
    try {
      line = JSON.parse(text) as OutputLine;
    } catch {
      skipped++;
      continue;
    }
    const status = line.response?.status_code ?? 0;
    const body = line.response?.body;
    const u = body?.usage;
    if (line.error || status < 200 || status >= 300 || !u) {
      skipped++;
      continue;
    }
    // chat usage, or Responses-style usage from /v1/responses lines
    const usage: Usage =
      u.prompt_tokens !== undefined ? u : { prompt_tokens: u.input_tokens ?? 0, completion_tokens: u.output_tokens ?? 0, total_tokens: (u.input_tokens ?? 0) + (u.output_tokens ?? 0) };
    succeeded++;
    const price = priceUsage(usage, { ...deployment, model: deployment.pricing ? deployment.model : (body?.model ?? deployment.model) }, { batch: true, batchDiscount: options.batchDiscount });
    if (price === null) unpriced++;
    else cost = (cost ?? 0) + price;
  }
  return { cost, succeeded, skipped, unpriced };
}
