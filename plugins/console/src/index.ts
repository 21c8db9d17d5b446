/**
 * @switchyard/console: the web console at `/ui`. Re-exports only.
 */
import { consolePlugin } from './plugin.js';

export { consolePlugin, PLUGIN_NAME } from './plugin.js';
export type { ConsoleOptions } from './plugin.js';
export { createLiveFeed, liveCallOf } from './live.js';
export type { LiveCall, LiveFeed, LiveFeedOptions } from './live.js';
export { capabilities } from './api.js';
export type { Capabilities } from './api.js';
export { staticRoutes, STATIC_DIR, CONTENT_SECURITY_POLICY } from './static.js';
export default consolePlugin;
