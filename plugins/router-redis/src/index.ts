/**
 * @switchyard/router-redis: the router's state shared by every gateway process through Redis.
 */
import { routerRedis } from './plugin.js';

export { routerRedis } from './plugin.js';
export type { RouterRedisOptions } from './plugin.js';
export { createRedisState } from './state.js';
export type { RedisStateOptions } from './state.js';
export default routerRedis;
