/**
 * The fields of PostgreSQL's binary COPY format (`COPY ... TO STDOUT (FORMAT binary)`) for a
 * one-column result, as they stream: each field's bytes are handed on as they arrive (slices
 * of the incoming chunks), never assembled whole. Reading bytea through COPY skips the hex
 * text a query result carries (twice the bytes, as strings the GC is slow to free).
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The bytes of every field of a one-column binary COPY stream, in order (a NULL field yields
 * nothing). Throws on a malformed or truncated stream.
 *
 * @example
 * ```ts
 * for await (const bytes of copyBinaryFields(client.query(copyTo(`copy (select data from t) to stdout (format binary)`)))) out.write(bytes);
 * ```
 */
export async function* copyBinaryFields(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  type Phase = 'signature' | 'extension' | 'tuple' | 'length' | 'data' | 'end';
  let phase: Phase = 'signature';
  let need = 19; // signature (11), flags (4), header extension length (4)
  let head = Buffer.alloc(0);
  let left = 0; // bytes of the current field (or extension) still to come
  for await (const incoming of source) {
    let chunk = incoming;
    while (chunk.length > 0) {
      if (phase === 'end') throw new Error('binary COPY: data after the trailer');
      if (phase === 'data' || phase === 'extension') {
        const n = Math.min(left, chunk.length);
        if (phase === 'data') yield chunk.subarray(0, n);
        chunk = chunk.subarray(n);
        left -= n;
        if (left === 0) [phase, need] = ['tuple', 2];
        continue;
      }
      const take = Math.min(need - head.length, chunk.length);
      head = Buffer.concat([head, chunk.subarray(0, take)]);
      chunk = chunk.subarray(take);
      if (head.length < need) break;
      if (phase === 'signature') {
        if (!head.subarray(0, 11).equals(SIGNATURE)) throw new Error('binary COPY: bad signature');
        left = head.readUInt32BE(15);
        [phase, need] = left > 0 ? ['extension', 0] : ['tuple', 2];
      } else if (phase === 'tuple') {
        const fields = head.readInt16BE(0);
        if (fields === -1) phase = 'end';
        else if (fields !== 1) throw new Error(`binary COPY: expected one column, got ${fields}`);
        else [phase, need] = ['length', 4];
      } else {
        const len = head.readInt32BE(0); // -1: NULL
        left = Math.max(0, len);
        [phase, need] = left > 0 ? ['data', 0] : ['tuple', 2];
      }
      head = Buffer.alloc(0);
    }
  }
  if (phase !== 'end') throw new Error('binary COPY: the stream ended early');
}
