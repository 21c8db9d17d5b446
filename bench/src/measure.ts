/**
 * Runs every scenario against one running target and samples its memory.
 */
import type { HttpResult } from './loadgen.js';
import type { LoadGen } from './loadgen-client.js';
import type { Plan } from './plan.js';
import { cpuMsOf, memoryOf } from './procs.js';
import type { OpenStreamsResult, TtfcResult } from './streams.js';
import { chatBody, HEADERS, largeChatBody, type Endpoint } from './targets.js';

/** Everything measured on one target. */
export interface TargetResult {
  saturation: HttpResult;
  /**
   * The floor's saturation requests/s measured right before and right after this row's (a
   * second floor process kept running for it): the VM's speed drifts over the minutes between
   * rows, and a ratio against the floor measured around the row cancels that drift.
   */
  floorAround?: { before: number; after: number };
  /** CPU time of the server process per saturation request, µs (undefined for direct). */
  cpuUs?: number;
  /** The large-body scenario: 32 KB request, 4 KB answer, whole and streamed in 400 chunks. */
  large?: { whole: HttpResult & { cpuUs?: number }; streamed: HttpResult & { cpuUs?: number } };
  serial: HttpResult;
  ttfc: TtfcResult;
  memory?: {
    /** RSS after warm-up, MB. */
    warmMb: number;
    /** Peak RSS (VmHWM) over the request scenarios and the soak, MB. */
    peakMb: number;
    /** RSS after `soak.half` and `2 × soak.half` requests of the soak, MB. */
    soakHalfMb: number;
    soakFullMb: number;
    soakRequests: number;
    /** Growth from the half to the full soak, percent. */
    soakGrowthPct: number;
    soakRps: number;
  };
  /** Open streams on the process that just served the soak. */
  open?: OpenResult;
  /** Open streams on a freshly started process (what the stream goal is about). */
  openFresh?: OpenResult;
}

/** Open streams and the memory meanwhile. */
export type OpenResult = OpenStreamsResult & { rssMb: number; maxRssMb: number };

async function openPhase(gen: LoadGen, ep: Endpoint, plan: Plan, log: (line: string) => void): Promise<OpenResult> {
  const idle = ep.route('idle');
  let maxRssMb = 0;
  let rssMb = 0;
  const sampler = setInterval(() => (maxRssMb = Math.max(maxRssMb, memoryOf(ep.pid!).rssMb)), 100);
  const open = await gen.open(
    { origin: idle.origin, path: idle.path, headers: { ...HEADERS }, body: chatBody(idle.model, true, plan.open.words), count: plan.open.count },
    () => (rssMb = memoryOf(ep.pid!).rssMb),
  );
  clearInterval(sampler);
  log(`    ${open.maxOpen}/${open.requested} open at once, RSS ${rssMb} MB (max ${maxRssMb} MB), ${open.errors} errors`);
  return { ...open, rssMb, maxRssMb };
}

/** Runs a scenario and returns its result with the server's CPU µs per request (when it has a pid). */
async function withCpu(pid: number | undefined, run: () => Promise<HttpResult>): Promise<[HttpResult, number | undefined]> {
  const before = pid ? cpuMsOf(pid) : 0;
  const r = await run();
  if (!pid || r.requests === 0) return [r, undefined];
  return [r, Math.round(((cpuMsOf(pid) - before) * 1000) / r.requests)];
}

const cpuNote = (us: number | undefined) => (us === undefined ? '' : `, ${us} µs CPU per request`);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function checkHttp(label: string, r: HttpResult): HttpResult {
  if (r.requests === 0 || r.non2xx > 0 || r.errors > 0) {
    throw new Error(`${label}: ${r.requests} ok, ${r.non2xx} non-2xx, ${r.errors} errors: the target is not answering correctly`);
  }
  return r;
}

/**
 * Measures one target.
 *
 * @example
 * ```ts
 * const result = await measureTarget(gen, endpoint, FULL, (line) => console.error(line));
 * ```
 */
export async function measureTarget(
  gen: LoadGen,
  ep: Endpoint,
  plan: Plan,
  log: (line: string) => void,
  /** Stops the server and starts a fresh one (for the fresh open-streams phase). */
  restart?: () => Promise<Endpoint>,
  /** Runs the floor's saturation scenario on the reference floor: its requests/s. */
  floorReference?: () => Promise<number>,
): Promise<TargetResult> {
  const fast = ep.route('fast');
  const paced = ep.route('paced');
  const url = `${fast.origin}${fast.path}`;
  const body = chatBody(fast.model, false);
  const headers = { ...HEADERS };
  const pacedStreams = { origin: paced.origin, path: paced.path, headers, body: chatBody(paced.model, true) };

  log('  warm-up');
  checkHttp('warm-up', await gen.http({ url, connections: plan.warmup.connections, duration: plan.warmup.seconds, headers, body }));
  await gen.ttfc({ ...pacedStreams, concurrency: 10, perWorker: 2 });
  const warmMb = ep.pid ? memoryOf(ep.pid).rssMb : 0;

  log(`  saturation: ${plan.saturation.connections} connections, ${plan.saturation.seconds}s`);
  const floorBefore = await floorReference?.();
  const [saturation, satCpu] = await withCpu(ep.pid, async () =>
    checkHttp('saturation', await gen.http({ url, connections: plan.saturation.connections, duration: plan.saturation.seconds, headers, body })),
  );
  const floorAfter = await floorReference?.();
  const floorAround = floorBefore !== undefined && floorAfter !== undefined ? { before: floorBefore, after: floorAfter } : undefined;
  log(`    ${saturation.rps} req/s, p50 ${saturation.latency.p50} ms, p99 ${saturation.latency.p99} ms${cpuNote(satCpu)}${floorAround ? ` (floor around it: ${floorAround.before} · ${floorAround.after} req/s)` : ''}`);
  log(`  serial: 1 connection, ${plan.serial.seconds}s`);
  const serial = checkHttp('serial', await gen.http({ url, connections: 1, duration: plan.serial.seconds, headers, body }));
  log(`    p50 ${serial.latency.p50} ms, p99 ${serial.latency.p99} ms`);
  log(`  streams: ${plan.ttfc.concurrency} concurrent × ${plan.ttfc.perWorker}`);
  const ttfc = await gen.ttfc({ ...pacedStreams, ...plan.ttfc });
  if (ttfc.errors > 0 || ttfc.streams === 0) throw new Error(`streams: ${ttfc.streams} ok, ${ttfc.errors} failed`);
  log(`    first chunk p50 ${ttfc.ttfc.p50} ms, p99 ${ttfc.ttfc.p99} ms`);

  const bulk = ep.route('bulk');
  const bulkUrl = `${bulk.origin}${bulk.path}`;
  const large = async (stream: boolean) => {
    const job = { url: bulkUrl, connections: plan.large.connections, duration: plan.large.seconds, headers, body: largeChatBody(bulk.model, stream) };
    const [r, cpuUs] = await withCpu(ep.pid, async () => checkHttp(stream ? 'large, streamed' : 'large', await gen.http(job)));
    log(`    ${stream ? 'streamed' : 'whole'}: ${r.rps} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms${cpuNote(cpuUs)}`);
    return { ...r, cpuUs };
  };
  log(`  large body: 32 KB in, 4 KB out (whole, then 400 chunks), ${plan.large.connections} connections, ${plan.large.seconds}s each`);
  const largeResult = { whole: await large(false), streamed: await large(true) };

  const result: TargetResult = { saturation, ...(floorAround ? { floorAround } : {}), cpuUs: satCpu, large: largeResult, serial, ttfc };
  if (!ep.pid) return result;

  log(`  soak: 2 × ${plan.soak.half} requests`);
  const first = checkHttp('soak', await gen.http({ url, connections: plan.soak.connections, amount: plan.soak.half, headers, body }));
  await sleep(500);
  const soakHalfMb = memoryOf(ep.pid).rssMb;
  const second = checkHttp('soak', await gen.http({ url, connections: plan.soak.connections, amount: plan.soak.half, headers, body }));
  await sleep(500);
  const mem = memoryOf(ep.pid);
  result.memory = {
    warmMb,
    peakMb: mem.peakMb,
    soakHalfMb,
    soakFullMb: mem.rssMb,
    soakRequests: first.requests + second.requests,
    soakGrowthPct: Math.round(((mem.rssMb - soakHalfMb) / soakHalfMb) * 1000) / 10,
    soakRps: Math.round((first.requests + second.requests) / (first.seconds + second.seconds)),
  };
  log(`    RSS ${soakHalfMb} → ${mem.rssMb} MB (peak ${mem.peakMb} MB)`);

  log(`  open streams: ${plan.open.count} at once, after the soak`);
  result.open = await openPhase(gen, ep, plan, log);
  if (restart) {
    log(`  open streams: ${plan.open.count} at once, fresh process`);
    result.openFresh = await openPhase(gen, await restart(), plan, log);
  }
  return result;
}
