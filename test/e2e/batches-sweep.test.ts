/**
 * A gateway killed between writing a batch's output blob and the final commit leaves that blob
 * with no file row; the resumed finalisation sweeps it (the blob is journalled on the batch
 * until the commit) and writes the output again. The crash is reproduced by putting the
 * database back in the state such a kill leaves: the batch `finalizing`, no output file row,
 * the blob in the blob store and in the journal, the coordinator job queued again.
 */
import { toFile } from 'openai';
import { afterAll, expect, it } from 'vitest';
import type { Store } from '@switchyard/store';
import { batches, createTestGateway, mockProvider, sqliteStore, tempDbFile, type TestGateway } from '@switchyard/test-kit';

let t: TestGateway | undefined;
afterAll(async () => {
  await t?.close();
});
const gateway = (file: string) => createTestGateway({ plugins: [sqliteStore({ file }), batches({ pollMs: 20 }), mockProvider()], models: [{ name: 'm', provider: 'mock', model: 'echo' }] });

it('the resumed finalisation deletes the result blob an interrupted one left, and writes the output again', { timeout: 60_000 }, async () => {
  const db = tempDbFile();
  t = await gateway(db);
  const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ custom_id: `s${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: `x${i}` }] } }));
  const f = await t.client.files.create({ file: await toFile(Buffer.from(lines.join('\n')), 'in.jsonl'), purpose: 'batch' });
  const id = (await t.client.batches.create({ input_file_id: f.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id;
  const until = async (done: (s: string) => boolean) => {
    for (;;) {
      const b = await t!.client.batches.retrieve(id);
      if (done(b.status)) return b;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const first = await until((s) => s === 'completed');
  const store = t.gateway.services.store as Store;
  const row = (await store.db.selectFrom('sy_files').select('blob_id').where('id', '=', first.output_file_id!).executeTakeFirstOrThrow()) as { blob_id: string };
  const orphan = row.blob_id;
  // the state a kill -9 between the blob write and the final commit leaves behind
  const batchRow = (await store.db.selectFrom('sy_batches').select(['object_json', 'exec_json']).where('id', '=', id).executeTakeFirstOrThrow()) as { object_json: string; exec_json: string };
  const obj = { ...JSON.parse(batchRow.object_json), status: 'finalizing', output_file_id: null, completed_at: null };
  const exec = { ...JSON.parse(batchRow.exec_json), pendingBlobs: [orphan] };
  await store.db.deleteFrom('sy_files').where('id', '=', first.output_file_id!).execute();
  await store.db.updateTable('sy_batches').set({ status: 'finalizing', object_json: JSON.stringify(obj), exec_json: JSON.stringify(exec) }).where('id', '=', id).execute();
  await t.close();
  const raw = await import('better-sqlite3');
  const sql = new raw.default(db);
  sql.prepare("UPDATE sy_jobs SET state = 'queued', run_at = 0, token = NULL, finished_at = NULL WHERE kind = 'batches.run' AND key = ?").run(id);
  sql.close();

  t = await gateway(db);
  const again = await until((s) => s === 'completed');
  expect(again.request_counts).toEqual({ total: 5, completed: 5, failed: 0 });
  expect(again.output_file_id).not.toBe(first.output_file_id);
  const text = await (await t.client.files.content(again.output_file_id!)).text();
  expect(text.split('\n').filter(Boolean)).toHaveLength(5);
  const blobs = (t.gateway.services.store as Store).blobs;
  expect(await blobs.stat(orphan), 'the orphan blob is swept').toBeUndefined();
  const exec2 = (await (t.gateway.services.store as Store).db.selectFrom('sy_batches').select('exec_json').where('id', '=', id).executeTakeFirstOrThrow()) as { exec_json: string };
  expect(JSON.parse(exec2.exec_json).pendingBlobs).toBeUndefined();
});
