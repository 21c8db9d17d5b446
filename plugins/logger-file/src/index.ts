/**
 * @switchyard/logger-file: JSON Lines call log in a file rotated by size.
 */
import { fileLogger } from './plugin.js';

export { fileLogger } from './plugin.js';
export type { FileLoggerOptions } from './plugin.js';
export default fileLogger;
