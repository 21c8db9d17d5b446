/**
 * @switchyard/session-tracker: session ids on every call, and the sessions API. Re-exports only.
 */
import { sessionTracker } from './plugin.js';

export { sessionTracker, PLUGIN_NAME, SESSION_STAGE } from './plugin.js';
export type { SessionTrackerOptions } from './plugin.js';
export { resolveSessionId } from './resolve.js';
export { listSessions, getSession, MAX_SESSION_CALLS } from './queries.js';
export type { SessionFilters, SessionDetail } from './queries.js';
export { sessionSummary, sessionCall, conversationOf } from './format.js';
export { sessionRoutes } from './routes.js';
export default sessionTracker;
