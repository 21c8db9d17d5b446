/**
 * @switchyard/routing: the routing machinery behind `@switchyard/router` (the strategies,
 * the router and its in-memory state), shared by the router plugin, router states such as
 * `@switchyard/router-redis` (which keep a local copy) and the router benchmark.
 */
export { createRouter } from './router.js';
export type { RouterOptions } from './router.js';
export { createMemoryState } from './state.js';
export { STRATEGIES } from './strategies/index.js';
export type { RouterStrategy, StrategyInput } from './strategies/index.js';
export { weightedOrder, rankBy } from './strategies/types.js';
export { usageShare } from './strategies/usage-based.js';
