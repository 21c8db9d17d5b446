/**
 * The version of @switchyard/core (also `gateway.version`).
 *
 * @example
 * ```ts
 * console.log(`switchyard core ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
