/**
 * The webhook sender: a bounded queue of records sent in batches, one POST at a time,
 * retried with exponential backoff and jitter on 5xx, 429 and network errors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Diagnostics } from '@switchyard/core';
import { upstreamFetch } from '@switchyard/upstream';

/** Counters of a webhook logger. */
export interface WebhookStats {
  /** Records waiting to be sent. */
  queued: number;
  /** Records delivered (2xx). */
  sent: number;
  /** Records refused because the queue was full. */
  dropped: number;
  /** Records given up after the last attempt, a non-retryable answer, or the shutdown deadline. */
  failed: number;
  /** POSTs that were retried. */
  retries: number;
  /** Batches delivered. */
  batches: number;
}

/** What the sender needs to know. */
export interface SenderConfig {
  url: string;
  headers: Record<string, string>;
  format: 'json' | 'ndjson';
  batchSize: number;
  maxQueue: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  diagnostics: Diagnostics;
}

const RETRYABLE = (status: number) => status === 429 || status === 408 || status >= 500;

/**
 * Delay before retry number `attempt` (1-based): exponential, capped, with jitter in the upper half.
 *
 * @example
 * ```ts
 * backoffMs(3, 100, 10_000); // between 200 and 400
 * ```
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * Queue and sender of call records.
 *
 * @example
 * ```ts
 * const sender = new WebhookSender({ url, headers: {}, format: 'json', batchSize: 50, ... });
 * sender.push(record);
 * await sender.drain();
 * ```
 */
export class WebhookSender {
  readonly #cfg: SenderConfig;
  readonly #queue: unknown[] = [];
  readonly #stats = { sent: 0, dropped: 0, failed: 0, retries: 0, batches: 0 };
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #flushing = false;

  constructor(config: SenderConfig) {
    this.#cfg = config;
  }

  /** Queues a record; never blocks. Returns false (and counts a drop) when the queue is full. */
  push(record: unknown): boolean {
    if (this.#queue.length >= this.#cfg.maxQueue) {
      this.#stats.dropped++;
      return false;
    }
    this.#queue.push(record);
    if (this.#queue.length >= this.#cfg.batchSize) void this.#run();
    return true;
  }

  /** A snapshot of the counters. */
  stats(): WebhookStats {
    return { queued: this.#queue.length, ...this.#stats };
  }

  /** Sends everything queued (and whatever arrives meanwhile); one sender runs at a time. */
  async drain(): Promise<void> {
    do {
      this.#flushing = true; // the running loop now sends partial batches too
      await this.#run();
    } while (this.#queue.length > 0 && !this.#abort.signal.aborted);
    this.#flushing = false;
  }

  #run(): Promise<void> {
    this.#running ??= this.#loop().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Gives up: aborts the POST or backoff in flight and counts what is left as failed. */
  abort(): void {
    this.#abort.abort();
    this.#stats.failed += this.#queue.splice(0).length;
  }

  async #loop(): Promise<void> {
    // full batches only, unless a flush (timer, shutdown) asked for everything
    while (this.#queue.length >= (this.#flushing ? 1 : this.#cfg.batchSize) && !this.#abort.signal.aborted) {
      const batch = this.#queue.splice(0, this.#cfg.batchSize);
      if (await this.#deliver(batch)) {
        this.#stats.sent += batch.length;
        this.#stats.batches++;
      } else {
        this.#stats.failed += batch.length;
      }
    }
  }

  #body(batch: unknown[]): { body: string; type: string } {
    if (this.#cfg.format === 'ndjson') return { body: batch.map((r) => JSON.stringify(r)).join('\n') + '\n', type: 'application/x-ndjson' };
    return { body: JSON.stringify(batch), type: 'application/json' };
  }

  async #deliver(batch: unknown[]): Promise<boolean> {
    const { url, headers, maxAttempts, retryBaseMs, retryMaxMs, timeoutMs, diagnostics } = this.#cfg;
    const { body, type } = this.#body(batch);
    const signal = this.#abort.signal;
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let retryAfterMs = 0;
      try {
        const res = await upstreamFetch({
          method: 'POST',
          url,
          headers: { 'content-type': type, ...headers },
          body,
          signal,
          timeoutMs,
          provider: 'webhook',
        });
        await res.body.dump().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) return true;
        reason = `HTTP ${res.status}`;
        if (!RETRYABLE(res.status)) {
          diagnostics.warn(`webhook refused ${batch.length} record(s) with ${reason}; not retried`);
          return false;
        }
        const retryAfter = Number(res.headers['retry-after']);
        if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
      } catch (err) {
        if (signal.aborted) return false;
        reason = (err as Error).message;
      }
      if (attempt >= maxAttempts) {
        diagnostics.warn(`webhook gave up on ${batch.length} record(s) after ${attempt} attempts: ${reason}`);
        return false;
      }
      this.#stats.retries++;
      const delay = Math.min(retryMaxMs, Math.max(retryAfterMs, backoffMs(attempt, retryBaseMs, retryMaxMs)));
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        return false;
      }
    }
  }
}
