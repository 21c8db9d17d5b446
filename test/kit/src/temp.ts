/**
 * Temporary files for tests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A path for a new database file in a fresh temp folder.
 *
 * @example
 * ```ts
 * plugins: [sqliteStore({ file: tempDbFile() })]
 * ```
 */
export function tempDbFile(name = 'switchyard.db'): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sy-db-')), name);
}
