import { describe, expect, it } from 'vitest';
import { LineBatch } from '../src/line-batch.js';

/** A writer whose writes complete only when the test says so. */
function manualWriter() {
  const writes: string[] = [];
  const callbacks: Array<() => void> = [];
  return {
    writes,
    write: (chunk: string, done: () => void) => {
      writes.push(chunk);
      callbacks.push(done);
    },
    complete: () => callbacks.shift()!(),
  };
}

describe('LineBatch', () => {
  it('writes the first line at once and coalesces the lines that arrive while a write is in flight', () => {
    const w = manualWriter();
    const batch = new LineBatch(w.write, 1 << 20);
    batch.push('a\n');
    expect(w.writes).toEqual(['a\n']);
    batch.push('b\n');
    batch.push('c\n');
    expect(w.writes).toEqual(['a\n']);
    w.complete();
    expect(w.writes).toEqual(['a\n', 'b\nc\n']);
    w.complete();
    batch.push('d\n');
    expect(w.writes).toEqual(['a\n', 'b\nc\n', 'd\n']);
  });

  it('drops and counts lines past the cap while the writer is behind, and keeps the ones before', () => {
    const w = manualWriter();
    const batch = new LineBatch(w.write, 10);
    expect(batch.push('first\n')).toBeInstanceOf(Promise); // written at once
    expect(batch.push('12345\n')).toBeInstanceOf(Promise); // 6 waiting
    expect(batch.push('67890\n')).toBeUndefined(); // 12 > 10
    expect(batch.dropped).toBe(1);
    w.complete();
    expect(w.writes).toEqual(['first\n', '12345\n']);
  });

  it('take() hands over what waits, for the last write at shutdown', () => {
    const w = manualWriter();
    const batch = new LineBatch(w.write, 1 << 20);
    batch.push('a\n');
    batch.push('b\n');
    batch.push('c\n');
    expect(batch.take()).toBe('b\nc\n');
    expect(batch.take()).toBe('');
    w.complete();
    expect(w.writes).toEqual(['a\n']);
  });

  it('a line\'s promise resolves once its batch is written, one promise per batch', async () => {
    const w = manualWriter();
    const batch = new LineBatch(w.write, 1 << 20);
    const done: string[] = [];
    const a = batch.push('a\n')!.then(() => done.push('a'));
    const b = batch.push('b\n')!;
    const c = batch.push('c\n')!;
    expect(b).toBe(c);
    void b.then(() => done.push('b+c'));
    await Promise.resolve();
    expect(done).toEqual([]);
    w.complete();
    await a;
    expect(done).toEqual(['a']);
    w.complete();
    await b;
    expect(done).toEqual(['a', 'b+c']);
  });
});
