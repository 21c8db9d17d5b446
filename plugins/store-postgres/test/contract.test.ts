/**
 * The store contract on PostgreSQL: a real server started for this file (test kit
 * `startPostgres`), opened by @switchyard/store-postgres.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGateway, memoryDiagnostics } from '@switchyard/core';
import postgresStore from '@switchyard/store-postgres';
import { startPostgres, type TestPostgres } from '@switchyard/test-kit';
import { storeContract } from '@switchyard/test-kit';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

storeContract('postgres', async () => ({
  async open() {
    const gateway = await createGateway({ plugins: [postgresStore({ connectionString: server.connectionString, poolSize: 4 })] }, { diagnostics: memoryDiagnostics() });
    return { gateway, store: gateway.services.store!, close: () => gateway.close() };
  },
}));

it('postgres: a bad connection string fails boot with a named error', async () => {
  await expect(
    createGateway({ plugins: [postgresStore({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/no_such_db`, connectionTimeoutMs: 2000 })] }, { diagnostics: memoryDiagnostics() }),
  ).rejects.toThrow(/cannot connect to PostgreSQL/);
});
