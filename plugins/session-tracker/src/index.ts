/**
 * @switchyard/session-tracker: session ids on every call, and the sessions API. Re-exports only.
 */
import { sessionTracker } from './plugin.js';

export { sessionTracker, PLUGIN_NAME, SESSION_STAGE } from './plugin.js';
export type { SessionTrackerOptions } from './plugin.js';
export { resolveSessionId } from './resolve.js';
export { sessionIdFrom, SESSION_HEADERS, SESSION_METADATA_KEYS, SESSION_METADATA_FIELDS } from './session-id.js';
export { listSessions, getSession, MAX_SESSION_CALLS } from './queries.js';
export type { SessionFilters, SessionDetail } from './queries.js';
export { sessionSummary, sessionCall, conversationOf } from './format.js';
export { sessionRoutes } from './routes.js';
export { CALL_LOG_OWNER, CALL_LOG_MIGRATIONS, CALLS_TABLE, SESSIONS_TABLE } from './call-log-schema.js';
export type { CallRow, SessionRow, CallLogTables } from './call-log-schema.js';
export { callRowOf, writeCall, recordCall, pruneCallLog } from './call-log.js';
export default sessionTracker;
