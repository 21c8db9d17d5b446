/**
 * @switchyard/router: the gateway's router as a plugin (strategies, cooldowns, health).
 */
import { router } from './plugin.js';

export { router } from './plugin.js';
export type { RouterPluginOptions } from './plugin.js';
export default router;
