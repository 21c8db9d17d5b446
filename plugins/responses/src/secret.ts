/**
 * The key that signs native response ids. It is never kept in the database, where anyone who
 * can read a backup could forge ids for any tenant:
 *
 * 1. the plugin's `secret` option, else the gateway's `secret` (`SWITCHYARD_SECRET`), as given;
 * 2. else a key derived from the auth plugin's master key (`services.deriveSecret`);
 * 3. else a random key in `<dataDir>/responses-ids.key` (mode 0600), made once.
 *
 * Older gateways kept a random key in plain text in `sy_secrets`: case 3 adopts it into the
 * file (its ids stay valid) and every case deletes the row.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PluginApi } from '@switchyard/core';
import type { AnyKysely } from '@switchyard/store';

/** The purpose the master-key derivation is asked for. */
export const SIGNING_PURPOSE = 'responses-ids';
/** The key file's name under `dataDir`. */
export const KEY_FILE = 'responses-ids.key';
const LEGACY_ROW = 'responses';

/** Creates `file` holding `value` unless it exists (atomically: readers never see it half written); returns its content. */
function createOnce(file: string, value: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, value, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readFileSync(file, 'utf8').trim();
}

async function legacyRow(db: AnyKysely): Promise<string | undefined> {
  const row = (await db.selectFrom('sy_secrets').select('value').where('name', '=', LEGACY_ROW).executeTakeFirst()) as { value: string } | undefined;
  return row?.value;
}

/**
 * Resolves the signing key (see the module comment for the order).
 *
 * @example
 * ```ts
 * const ids = responseIds(await signingSecret(gateway, store.db, opts.secret));
 * ```
 */
export async function signingSecret(api: Pick<PluginApi, 'settings' | 'services' | 'diagnostics'>, db: AnyKysely, option?: string): Promise<string | Buffer> {
  const configured = option ?? (api.settings.secret || undefined) ?? api.services.deriveSecret?.(SIGNING_PURPOSE);
  const legacy = await legacyRow(db);
  let key: string | Buffer;
  if (configured !== undefined) key = configured;
  else {
    const file = path.join(api.settings.dataDir, KEY_FILE);
    key = createOnce(file, legacy ?? randomBytes(32).toString('base64url'));
    if (legacy !== undefined && legacy !== key) {
      api.diagnostics.warn(`${file} already held a signing key: native response ids signed with the one in sy_secrets no longer resolve`);
    }
  }
  if (legacy !== undefined) await db.deleteFrom('sy_secrets').where('name', '=', LEGACY_ROW).execute();
  return key;
}
