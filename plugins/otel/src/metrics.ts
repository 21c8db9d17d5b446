/**
 * GenAI metrics of finished calls: token usage, operation duration and time to first
 * chunk per upstream attempt (semantic conventions), plus gateway request counters.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { CallEvent } from '@switchyard/core';
import { asChatCompletion } from '@switchyard/chat-wire';
import { errorType, providerName, serverAttributes } from './attributes.js';

// bucket boundaries advised by the GenAI semantic conventions
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const SECONDS_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/**
 * The instruments the plugin records into.
 *
 * @example
 * ```ts
 * const m = new CallMetrics(metrics.getMeter('@switchyard/otel'));
 * gateway.hooks.log.tapPromise(NAME, async (event) => m.record(event));
 * ```
 */
export class CallMetrics {
  readonly #tokens: Histogram;
  readonly #duration: Histogram;
  readonly #firstChunk: Histogram;
  readonly #requests: Counter;
  readonly #requestDuration: Histogram;
  readonly #cost: Counter;

  constructor(meter: Meter) {
    this.#tokens = meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Tokens used per upstream call, by token type',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.#duration = meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      description: 'Duration of each upstream GenAI call',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    this.#firstChunk = meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
      unit: 's',
      description: 'Time to the first streamed chunk of each upstream call',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    this.#requests = meter.createCounter('switchyard.gateway.requests', { unit: '{request}', description: 'Requests the gateway answered' });
    this.#requestDuration = meter.createHistogram('switchyard.gateway.request.duration', {
      unit: 's',
      description: 'Duration of gateway requests, from receipt to the end of the response',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
    this.#cost = meter.createCounter('switchyard.cost.usd', { unit: 'USD', description: 'Cost of priced calls' });
  }

  /** Records one finished call. */
  record(event: CallEvent): void {
    const { ctx, response, error } = event;
    const chat = asChatCompletion(response);
    const model = ctx.model ?? event.request?.model ?? 'unknown';
    const gatewayAttrs: Attributes = {
      'gen_ai.operation.name': ctx.operation,
      'gen_ai.request.model': model,
      'http.route': ctx.endpoint,
      'http.response.status_code': event.status,
      'switchyard.outcome': event.outcome,
      ...(ctx.deployment ? { 'gen_ai.provider.name': providerName(ctx.deployment) } : {}),
      ...(error ? { 'error.type': errorType(error) } : {}),
    };
    this.#requests.add(1, gatewayAttrs);
    if (ctx.endedAt !== undefined) this.#requestDuration.record((ctx.endedAt - ctx.startedAt) / 1000, gatewayAttrs);

    ctx.attempts.forEach((attempt, i) => {
      const final = i === ctx.attempts.length - 1 && !attempt.error;
      const attrs: Attributes = {
        'gen_ai.operation.name': ctx.operation,
        'gen_ai.provider.name': providerName(attempt.deployment),
        'gen_ai.request.model': attempt.deployment.model,
        ...serverAttributes(attempt.deployment),
        ...(final && (attempt.model ?? chat?.model) ? { 'gen_ai.response.model': attempt.model ?? chat?.model } : {}),
        ...(attempt.error ? { 'error.type': errorType(attempt.error) } : {}),
      };
      const end = attempt.endedAt ?? ctx.endedAt;
      if (end !== undefined) this.#duration.record((end - attempt.startedAt) / 1000, attrs);
      if (ctx.stream && attempt.firstChunkAt !== undefined) this.#firstChunk.record((attempt.firstChunkAt - attempt.startedAt) / 1000, attrs);
      const usage = final ? (ctx.usage ?? chat?.usage) : undefined;
      if (usage) {
        this.#tokens.record(usage.prompt_tokens, { ...attrs, 'gen_ai.token.type': 'input' });
        this.#tokens.record(usage.completion_tokens, { ...attrs, 'gen_ai.token.type': 'output' });
      }
      if (final && typeof ctx.cost === 'number') this.#cost.add(ctx.cost, attrs);
    });
  }
}
