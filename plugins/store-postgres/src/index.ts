/**
 * @switchyard/store-postgres: the PostgreSQL store for several gateway processes. Re-exports only.
 */
import { postgresStore } from './plugin.js';

export { postgresStore, PLUGIN_NAME } from './plugin.js';
export type { PostgresStoreOptions } from './plugin.js';
export default postgresStore;
