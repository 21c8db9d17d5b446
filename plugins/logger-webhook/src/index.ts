/**
 * @switchyard/logger-webhook: batched HTTP POST of call records with retry and a bounded queue.
 */
import { webhookLogger } from './plugin.js';

export { webhookLogger } from './plugin.js';
export type { WebhookLoggerOptions, WebhookLoggerPlugin } from './plugin.js';
export { WebhookSender, backoffMs } from './sender.js';
export type { WebhookStats, SenderConfig } from './sender.js';
export default webhookLogger;
