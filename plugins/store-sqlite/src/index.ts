/**
 * @switchyard/store-sqlite: the embedded SQLite store (the default). Re-exports only.
 */
import { sqliteStore } from './plugin.js';

export { sqliteStore, PLUGIN_NAME, DEFAULT_SQLITE_FILE, defaultBlobDir } from './plugin.js';
export type { SqliteStoreOptions } from './plugin.js';
export default sqliteStore;
