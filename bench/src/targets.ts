/**
 * Benchmark targets: what is started, where requests go, and the request bodies.
 */

/** The targets, in the order they run. */
// nowait: production answering without waiting for its records (server.recordTimeoutMs: 0),
// so that production's row minus this one is what kill -9 durability costs
export const TARGET_NAMES = ['direct', 'floor', 'minimal', 'production', 'nowait', 'workers2'] as const;

/** A target name. */
export type TargetName = (typeof TARGET_NAMES)[number];

/** Which emulator a request is meant for (see upstream.ts). */
export type UpstreamKind = 'fast' | 'paced' | 'idle';

/** A running target. */
export interface Endpoint {
  /** Where requests for that upstream go: origin, path and model name. */
  route(kind: UpstreamKind): { origin: string; path: string; model: string };
  /** Server process whose memory is reported (undefined for direct). */
  pid?: number;
}

/** Headers of every benchmark request (the emulator checks the key; the gateway ignores it). */
export const HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  authorization: 'Bearer sk-emulator',
});

/**
 * A chat completions body.
 *
 * @example
 * ```ts
 * chatBody('bench', false); // '{"model":"bench","messages":[...]}'
 * ```
 */
export function chatBody(model: string, stream: boolean, words = 2): string {
  const content = words === 2 ? 'Hello benchmark' : Array.from({ length: words }, (_, i) => `w${i}`).join(' ');
  return JSON.stringify({ model, messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) });
}
