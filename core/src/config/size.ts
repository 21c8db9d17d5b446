/**
 * Sizes in the config (`server.bodyLimit`): a byte count or a number with a unit, read with
 * the `bytes` package. Units are binary: `kb`/`k`/`kib` = 1024 bytes, `mb`/`m`/`mib`, `gb`/`g`/`gib`.
 */
import bytes from 'bytes';
import { GatewayError } from '../errors.js';

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|[kmgt](?:i?b)?)?$/i;

/** The smallest body limit accepted: below it nearly every request would be refused. */
export const MIN_BODY_LIMIT = 1024;

/**
 * The bytes of a size, or undefined when it is not one (`'20mb'`, `'512 KiB'`, `'1g'`, `2048`).
 *
 * @example
 * ```ts
 * sizeInBytes('1.5kb'); // 1536
 * sizeInBytes('20 MiB'); // 20971520
 * sizeInBytes('twenty'); // undefined
 * ```
 */
export function sizeInBytes(size: string | number): number | undefined {
  if (typeof size === 'number') return Number.isFinite(size) && size >= 0 ? Math.floor(size) : undefined;
  const m = SIZE.exec(size.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const n = bytes.parse(`${m[1]}${unit === 'b' ? 'b' : `${unit[0]}b`}`);
  return n === null || Number.isNaN(n) ? undefined : n;
}

/**
 * Parses a size; throws a config error for anything that is not one.
 *
 * @example
 * ```ts
 * parseSize('20mb'); // 20971520
 * ```
 */
export function parseSize(size: string | number): number {
  const n = sizeInBytes(size);
  if (n === undefined) throw new GatewayError('GW_ERR_CONFIG_INVALID', `invalid size: ${size} (write a number of bytes or a size like "20mb")`);
  return n;
}
