/**
 * The job runner's contract on both stores: SQLite on a real temp file and PostgreSQL on a
 * real server (test kit `startPostgres`), each opened by its store plugin in a gateway.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createGateway, memoryDiagnostics } from '@switchyard/core';
import { postgresStore, sqliteStore, startPostgres, type TestPostgres } from '@switchyard/test-kit';
import { jobsContract } from '@switchyard/test-kit';

const dir = mkdtempSync(path.join(tmpdir(), 'sy-jobs-contract-'));
let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

jobsContract('sqlite', async () => ({
  async open() {
    const gateway = await createGateway({ dataDir: dir, plugins: [sqliteStore()] }, { diagnostics: memoryDiagnostics() });
    return { gateway, store: gateway.services.store!, close: () => gateway.close() };
  },
}));

jobsContract('postgres', async () => ({
  async open() {
    const gateway = await createGateway({ plugins: [postgresStore({ connectionString: server!.connectionString, poolSize: 4 })] }, { diagnostics: memoryDiagnostics() });
    return { gateway, store: gateway.services.store!, close: () => gateway.close() };
  },
}));
