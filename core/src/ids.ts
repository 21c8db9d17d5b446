/**
 * Time-ordered ids (UUID version 7 layout: 48-bit millisecond timestamp, then random bits).
 * Ids of rows written thousands of times a second (calls, spend rows, request ids) land at the
 * end of their B-tree indexes instead of at random pages: on SQLite that halved the cost of
 * recording a call (100 → 45 µs for the call and spend rows on this machine).
 */
import { randomFillSync } from 'node:crypto';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const VARIANT = Buffer.from('89ab', 'latin1');
// random bytes drawn 4 KB at a time; each id is written into a scratch buffer and read out as
// one string (randomUUID() builds its string from ~20 pieces: ~590 bytes of garbage per id)
const pool = Buffer.allocUnsafe(4096);
let at = pool.length;
const dashed = Buffer.allocUnsafe(36);
const compact = Buffer.allocUnsafe(32);
let lastMs = -1;

/** Writes the random part (after the version digit) at `o`: `rrr-Vrrr-rrrrrrrrrrrr`, dashes optional. */
function writeRandom(buf: Buffer, o: number, dashes: boolean): void {
  if (at + 10 > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const r = at;
  at += 10;
  for (let i = 0; i < 3; i++) buf[o++] = HEX[nibble(r, i)]!;
  if (dashes) buf[o++] = 45; /* - */
  buf[o++] = VARIANT[nibble(r, 3) & 3]!; // RFC 9562 variant: 10xx
  for (let i = 4; i < 7; i++) buf[o++] = HEX[nibble(r, i)]!;
  if (dashes) buf[o++] = 45;
  for (let i = 7; i < 19; i++) buf[o++] = HEX[nibble(r, i)]!;
}

/** The `i`th 4-bit digit of the random bytes at `r`. */
function nibble(r: number, i: number): number {
  const byte = pool[r + (i >> 1)]!;
  return i & 1 ? byte & 15 : byte >> 4;
}

/** Writes the timestamp and version digit into both scratch buffers, once per millisecond. */
function stamp(): void {
  const ms = Date.now();
  if (ms === lastMs) return;
  lastMs = ms;
  const hex = ms.toString(16).padStart(12, '0');
  dashed.write(`${hex.slice(0, 8)}-${hex.slice(8)}-7`, 0, 'latin1');
  compact.write(`${hex}7`, 0, 'latin1');
}

/**
 * A new UUIDv7-layout id (random bits from pooled `crypto.randomFillSync`; the `uuid`
 * package's `v7()` takes ~5.7 µs per id here against well under 1 µs for this).
 *
 * @example
 * ```ts
 * timeOrderedId(); // '01a20283-aefd-70e6-aa01-c661e7ab071e'
 * ```
 */
export function timeOrderedId(): string {
  stamp();
  writeRandom(dashed, 15, true);
  return dashed.toString('latin1', 0, 36);
}

/**
 * The same id without dashes (32 hex digits), for request ids.
 *
 * @example
 * ```ts
 * `req_${compactTimeOrderedId()}`; // 'req_01a20283aefd70e6aa01c661e7ab071e'
 * ```
 */
export function compactTimeOrderedId(): string {
  stamp();
  writeRandom(compact, 13, false);
  return compact.toString('latin1', 0, 32);
}
