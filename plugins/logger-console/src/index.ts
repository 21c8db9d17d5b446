/**
 * @switchyard/logger-console: one line per call on stdout (pino; pretty in a TTY).
 */
import { consoleLogger } from './plugin.js';

export { consoleLogger, levelOf, messageOf } from './plugin.js';
export type { ConsoleLoggerOptions } from './plugin.js';
export default consoleLogger;
