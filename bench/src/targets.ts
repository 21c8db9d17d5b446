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
export type UpstreamKind = 'fast' | 'paced' | 'idle' | 'bulk';

/** A running target. */
export interface Endpoint {
  /** Where requests for that upstream go: origin, path and model name. */
  route(kind: UpstreamKind): { origin: string; path: string; model: string };
  /** Server process whose memory is reported (undefined for direct). */
  pid?: number;
}

/** The line the upstream process (upstream.ts) prints when its emulators listen: their ports. */
export const UPSTREAM_READY = /^\{"fast":(\d+),"paced":(\d+),"idle":(\d+),"bulk":(\d+)\}/m;

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

/** Characters of each earlier message of the large body (39 of them, about 28 KB). */
const LARGE_TURN_CHARS = 720;
/** Words of the last user message (about 4 KB): the emulator echoes it, 400 chunks when streamed. */
const LARGE_LAST_WORDS = 400;

/**
 * The large-body scenario's chat body: 40 messages, about 32 KB, the last user message about
 * 4 KB, which the emulator echoes (a 4 KB answer; 400 chunks when streamed).
 *
 * @example
 * ```ts
 * largeChatBody('bench-bulk', true).length; // ~32_800
 * ```
 */
export function largeChatBody(model: string, stream: boolean): string {
  const turn = (i: number) => `turn ${i}: ${'lorem ipsum dolor sit amet '.repeat(Math.ceil(LARGE_TURN_CHARS / 27))}`.slice(0, LARGE_TURN_CHARS);
  const messages = Array.from({ length: 39 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: turn(i) }));
  const last = Array.from({ length: LARGE_LAST_WORDS }, (_, i) => `word${String(i).padStart(5, '0')}`).join(' ');
  messages.push({ role: 'user', content: last });
  return JSON.stringify({ model, messages, ...(stream ? { stream: true } : {}) });
}
