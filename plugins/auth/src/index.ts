/**
 * @switchyard/auth: a master key, LiteLLM-compatible virtual keys, users and teams; model
 * access, budgets and rate limits (across processes on PostgreSQL or Redis).
 */
import { auth } from './plugin.js';

export { auth, PLUGIN_NAME, AUTH_STAGE } from './plugin.js';
export type { AuthOptions } from './options.js';
export { MASTER_KEY_ID } from './admission.js';
export { durationMs, budgetPeriod } from './durations.js';
export type { BudgetPeriod } from './durations.js';
export { memoryLimiter } from './limiter/memory.js';
export { storeLimiter } from './limiter/store.js';
export { redisLimiter } from './limiter/redis.js';
export { WINDOW_MS } from './limiter/types.js';
export type { Limiter, LimitCheck, Refusal, Verdict, WindowUsage } from './limiter/types.js';
export default auth;
