/**
 * A large upload streams through: 200 MB generated on the fly (1 GB with
 * SWITCHYARD_TEST_1GB=1) goes in through the SDK's streamed multipart and back out through
 * content, and the gateway process's RSS stays flat (it never holds the file).
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { dirname } from 'node:path';
import { batches, createTestGateway, mockProvider, sqliteStore, tempDbFile, type TestGateway } from '@switchyard/test-kit';

const MB = 1024 * 1024;
const SIZE = (process.env.SWITCHYARD_TEST_1GB === '1' ? 1024 : 200) * MB;
let t: TestGateway;
let dbFile = '';

beforeAll(async () => {
  dbFile = tempDbFile();
  t = await createTestGateway({ plugins: [sqliteStore({ file: dbFile }), batches({ maxFileBytes: 2048 * MB }), mockProvider()] });
});
afterAll(async () => {
  await t.close();
});

async function streamedUpload(url: string, path: string): Promise<{ id: string; bytes: number }> {
  const boundary = 'switchyard-large-upload';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const body = Readable.from(
    (async function* () {
      yield Buffer.from(head);
      yield* createReadStream(path, { highWaterMark: 256 * 1024 });
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    })(),
  );
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as { id: string; bytes: number }) : reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

function generated(size: number, hash: ReturnType<typeof createHash>): Readable {
  const chunk = Buffer.alloc(MB, 'abcdefghij\n');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const part = chunk.subarray(0, Math.min(MB, size - sent));
      sent += part.length;
      hash.update(part);
      this.push(Buffer.from(part));
    },
  });
}

it(`uploads and downloads ${SIZE / MB} MB with flat memory`, { timeout: 600_000 }, async () => {
  // the file on disk first, so the SDK streams it (a Readable given to toFile is buffered whole)
  const inHash = createHash('sha256');
  const path = join(dirname(dbFile), 'big.bin');
  await pipeline(generated(SIZE, inHash), createWriteStream(path));
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    // raw chunked multipart over HTTP (the SDK reads a ReadStream whole into a File first)
    const f = await streamedUpload(`${t.url}/files`, path);
    expect(f.bytes).toBe(SIZE);
    const res = await t.client.files.content(f.id);
    const outHash = createHash('sha256');
    let n = 0;
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      n += c.length;
      outHash.update(c);
    }
    expect(n).toBe(SIZE);
    expect(outHash.digest('hex')).toBe(inHash.digest('hex'));
  } finally {
    clearInterval(sample);
  }
  // the gateway runs in this process: the growth must stay far below the file's size
  const growth = (peak - rss0) / MB;
  console.log(`files-large: ${SIZE / MB} MB in and out, RSS growth ${growth.toFixed(1)} MB`);
  expect(growth).toBeLessThan(Math.min(150, SIZE / MB / 2));
});
