/**
 * How much load each scenario applies: the full benchmark and the `--quick` CI smoke.
 */

/** Scenario sizes. */
export interface Plan {
  warmup: { seconds: number; connections: number };
  saturation: { seconds: number; connections: number };
  /** The large-body scenario (each of whole and streamed). */
  large: { seconds: number; connections: number };
  serial: { seconds: number };
  /** Streams in flight, streams per worker, and the start offset between workers (ms). */
  ttfc: { concurrency: number; perWorker: number; staggerMs: number };
  soak: { half: number; connections: number };
  open: { count: number; words: number };
}

/** The full benchmark (several minutes). */
export const FULL: Plan = {
  warmup: { seconds: 3, connections: 16 },
  saturation: { seconds: 10, connections: 64 },
  large: { seconds: 8, connections: 32 },
  serial: { seconds: 10 },
  ttfc: { concurrency: 100, perWorker: 10, staggerMs: 4 },
  soak: { half: 50_000, connections: 64 },
  open: { count: 1000, words: 10 },
};

/** The CI smoke: proves the harness works, measures nothing worth reading. */
export const QUICK: Plan = {
  warmup: { seconds: 1, connections: 4 },
  saturation: { seconds: 1, connections: 8 },
  large: { seconds: 1, connections: 4 },
  serial: { seconds: 1 },
  ttfc: { concurrency: 5, perWorker: 2, staggerMs: 10 },
  soak: { half: 300, connections: 8 },
  open: { count: 20, words: 2 },
};
