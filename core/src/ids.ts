/**
 * Time-ordered ids (UUID version 7 layout: 48-bit millisecond timestamp, then random bits).
 * Ids of rows written thousands of times a second (calls, spend rows, request ids) land at the
 * end of their B-tree indexes instead of at random pages: on SQLite that halved the cost of
 * recording a call (100 → 45 µs for the call and spend rows on this machine).
 */
import { randomUUID } from 'node:crypto';

/**
 * A new UUIDv7-layout id. Built on `crypto.randomUUID()` (pooled randomness), because the
 * `uuid` package's `v7()` takes ~5.7 µs per id here against ~0.4 µs for this.
 *
 * @example
 * ```ts
 * timeOrderedId(); // '01a20283-aefd-70e6-aa01-c661e7ab071e'
 * ```
 */
export function timeOrderedId(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    // formatting the timestamp costs more than the rest: once per millisecond
    const hex = ms.toString(16).padStart(12, '0');
    lastMs = ms;
    prefix = `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
  }
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, RFC variant already set
  return prefix + randomUUID().slice(15);
}

let lastMs = -1;
let prefix = '';
