/**
 * The key that signs native response ids is never in the database: a random key in a 0600 file
 * under dataDir (the plain-text row older gateways kept in sy_secrets is adopted and deleted),
 * or one derived from the auth plugin's master key, or the configured secret.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth from '@switchyard/auth';
import openaiProvider from '@switchyard/provider-openai';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startOpenAIEmulator, tempDbFile, type OpenAIEmulator } from '@switchyard/test-kit';

let emu: OpenAIEmulator;
beforeAll(async () => {
  emu = await startOpenAIEmulator();
});
afterAll(() => emu.close());

const rows = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('select * from sy_secrets').all();
  } finally {
    db.close();
  }
};

async function gateway(file: string, dataDir: string, extra: { masterKey?: string; secret?: string } = {}) {
  const plugins = [sqliteStore({ file }), responses(extra.secret ? { secret: extra.secret } : undefined), openaiProvider()];
  if (extra.masterKey) plugins.push(auth({ masterKey: extra.masterKey }) as never);
  const t = await createTestGateway({ dataDir, plugins, models: [{ name: 'native', provider: 'openai', model: 'gpt-4o', apiBase: emu.baseURL, apiKey: emu.apiKey }] });
  const client = new OpenAI({ apiKey: extra.masterKey ?? 'anything', baseURL: t.url, maxRetries: 0 });
  return { t, client };
}

describe('the response-id signing key', () => {
  it('without a secret: a random key in <dataDir>/responses-ids.key (0600), nothing in sy_secrets; ids survive a restart', async () => {
    const file = tempDbFile();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-data-'));
    let g = await gateway(file, dataDir);
    const r = await g.client.responses.create({ model: 'native', input: 'hi' });
    await g.t.close();
    const keyFile = path.join(dataDir, 'responses-ids.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rows(file)).toEqual([]);
    g = await gateway(file, dataDir);
    expect((await g.client.responses.retrieve(r.id)).id).toBe(r.id);
    await g.t.close();
  });

  it("adopts an older gateway's plain-text key from sy_secrets into the file (its ids keep working) and deletes the row", async () => {
    const file = tempDbFile();
    const legacy = 'a-legacy-plain-text-signing-key';
    let g = await gateway(file, mkdtempSync(path.join(tmpdir(), 'sy-data-')), { secret: legacy }); // signs as the old row did
    const r = await g.client.responses.create({ model: 'native', input: 'hi' });
    await g.t.close();
    const db = new Database(file);
    db.prepare("insert into sy_secrets (name, value) values ('responses', ?)").run(legacy);
    db.close();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-data-'));
    g = await gateway(file, dataDir);
    expect((await g.client.responses.retrieve(r.id)).id).toBe(r.id);
    await g.t.close();
    expect(rows(file)).toEqual([]);
    expect(readFileSync(path.join(dataDir, 'responses-ids.key'), 'utf8')).toBe(legacy);
  });

  it('with the auth plugin: derived from the master key (no file, no row); another master key cannot read the ids', async () => {
    const file = tempDbFile();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-data-'));
    const masterKey = 'sk-master-for-derivation-0123456789';
    let g = await gateway(file, dataDir, { masterKey });
    const r = await g.client.responses.create({ model: 'native', input: 'hi' });
    await g.t.close();
    expect(existsSync(path.join(dataDir, 'responses-ids.key'))).toBe(false);
    expect(rows(file)).toEqual([]);
    g = await gateway(file, dataDir, { masterKey });
    expect((await g.client.responses.retrieve(r.id)).id).toBe(r.id);
    await g.t.close();
    g = await gateway(file, dataDir, { masterKey: 'sk-another-master-key-0123456789' });
    await expect(g.client.responses.retrieve(r.id)).rejects.toMatchObject({ status: 404 });
    await g.t.close();
  });
});
