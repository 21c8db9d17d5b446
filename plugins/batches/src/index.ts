/**
 * @switchyard/batches: the OpenAI Files and Batches APIs on every provider.
 */
import { batches } from './plugin.js';

export { batches } from './plugin.js';
export type { BatchesOptions } from './plugin.js';
export { BATCHES_MIGRATIONS, TABLES as BATCHES_TABLES } from './repo.js';
export default batches;
