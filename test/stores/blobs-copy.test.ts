/**
 * The binary COPY reader the PostgreSQL blob reads use, on hand-built streams cut at every
 * possible place: the fields' bytes come out whole and in order, a bad stream throws.
 */
import { describe, expect, it } from 'vitest';
import { copyBinaryFields } from '@switchyard/store';

/** A one-column binary COPY stream of `fields` (null: a NULL value), with an optional header extension. */
function copyStream(fields: Array<Buffer | null>, extension = Buffer.alloc(0)): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.alloc(4)];
  parts[2]!.writeUInt32BE(extension.length);
  parts.push(extension);
  for (const f of fields) {
    const head = Buffer.alloc(6);
    head.writeInt16BE(1, 0);
    head.writeInt32BE(f === null ? -1 : f.length, 2);
    parts.push(head);
    if (f) parts.push(f);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  parts.push(trailer);
  return Buffer.concat(parts);
}

async function read(chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of copyBinaryFields((async function* () { yield* chunks; })())) out.push(b);
  return Buffer.concat(out);
}

describe('copyBinaryFields', () => {
  const fields = [Buffer.from('abc'), Buffer.alloc(0), null, Buffer.alloc(300, 7), Buffer.from('end')];
  const want = Buffer.concat(fields.filter((f): f is Buffer => f !== null));

  it('yields every field in order however the stream is cut', async () => {
    const all = copyStream(fields, Buffer.from('ext'));
    expect((await read([all])).equals(want)).toBe(true);
    for (let cut = 1; cut < all.length; cut++) expect((await read([all.subarray(0, cut), all.subarray(cut)])).equals(want)).toBe(true);
    expect((await read([...all].map((b) => Buffer.from([b])))).equals(want)).toBe(true);
  });

  it('throws on a truncated stream, a bad signature or more than one column', async () => {
    const all = copyStream(fields);
    await expect(read([all.subarray(0, all.length - 2)])).rejects.toThrow(/ended early/);
    await expect(read([Buffer.from('NOTCOPY\n\xff\r\n\0........', 'latin1')])).rejects.toThrow(/signature/);
    const two = Buffer.from(all);
    two.writeInt16BE(2, 19);
    await expect(read([two])).rejects.toThrow(/one column/);
  });
});
