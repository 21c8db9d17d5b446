/**
 * The upstream of every benchmark target, run in its own process: three OpenAI emulators
 * (no request recording), all answering after the same fixed small latency. `fast` streams
 * with a 1 ms pace (request load); `paced` streams at a model-like pace (time to first
 * chunk with 100 streams in flight, without saturating the CPU); `idle` streams one chunk
 * per second so that streams stay open (the open-streams scenario); `bulk` streams without a pause (the
 * large-body scenario: a 4 KB answer in 400 chunks).
 * Prints one JSON line `{"fast":port,"paced":port,"idle":port,"bulk":port}` when listening.
 *
 * Run: node --conditions=@switchyard/source --import tsx bench/src/upstream.ts [latencyMs] [fastMs] [pacedMs] [idleMs]
 */
import { startOpenAIEmulator } from '@switchyard/test-kit';

const [latencyMs = 2, fastMs = 1, pacedMs = 50, idleMs = 1000] = process.argv.slice(2).map(Number);

const fast = await startOpenAIEmulator({ latencyMs, chunkDelayMs: fastMs, record: false });
const paced = await startOpenAIEmulator({ latencyMs, chunkDelayMs: pacedMs, record: false });
const idle = await startOpenAIEmulator({ latencyMs, chunkDelayMs: idleMs, record: false });
const bulk = await startOpenAIEmulator({ latencyMs, chunkDelayMs: 0, record: false });
process.stdout.write(`${JSON.stringify({ fast: fast.port, paced: paced.port, idle: idle.port, bulk: bulk.port })}\n`);

const stop = () => {
  void Promise.all([fast.close(), paced.close(), idle.close(), bulk.close()]).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
