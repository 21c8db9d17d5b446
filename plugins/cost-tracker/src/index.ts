/**
 * @switchyard/cost-tracker: cost per call, spend logs and reports, budgets, batch pricing.
 */
import { costTracker } from './plugin.js';

export { costTracker };
export type { CostTrackerOptions, CostStats } from './plugin.js';
export { priceUsage, tokenCounts, PRICE_PROVIDER } from './price.js';
export type { TokenCounts } from './price.js';
export { priceBatchOutput } from './batch.js';
export type { BatchCost } from './batch.js';
export { windowStart } from './options.js';
export default costTracker;
