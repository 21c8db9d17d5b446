import { describe, expect, it } from 'vitest';
import { RequestAbort, realSignal } from '../src/runner/abort.js';

describe('RequestAbort', () => {
  it('runs function and handleEvent listeners once, with the reason, and none that were removed', () => {
    const abort = new RequestAbort();
    const seen: string[] = [];
    const fn = (e: Event) => seen.push(`fn ${e.type} ${String(abort.reason)}`);
    const obj = { handleEvent: (e: Event) => seen.push(`obj ${e.type}`) };
    const removed = () => seen.push('removed');
    abort.addEventListener('abort', fn);
    abort.addEventListener('abort', obj);
    abort.addEventListener('abort', removed);
    abort.removeEventListener('abort', removed);
    expect(abort.aborted).toBe(false);
    abort.abort('gone');
    abort.abort('again');
    expect(seen).toEqual(['fn abort gone', 'obj abort']);
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe('gone');
    abort.addEventListener('abort', removed); // after the abort: never runs
    expect(seen).toHaveLength(2);
  });

  it('makes its AbortSignal only when read: aborted with it, or already aborted with the same reason', () => {
    const early = new RequestAbort();
    const signal = early.signal;
    expect(early.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    early.abort(new Error('cut'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('cut');

    const late = new RequestAbort();
    late.abort();
    expect(late.reason).toBeInstanceOf(DOMException);
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe(late.reason);
  });

  it('a listener that throws does not stop the others', () => {
    const abort = new RequestAbort();
    let ran = false;
    abort.addEventListener('abort', () => {
      throw new Error('listener bug');
    });
    abort.addEventListener('abort', () => (ran = true));
    expect(() => abort.abort()).not.toThrow();
    expect(ran).toBe(true);
  });

  it('realSignal: an AbortSignal as it is, a RequestAbort’s own signal', () => {
    const signal = new AbortController().signal;
    expect(realSignal(signal)).toBe(signal);
    const abort = new RequestAbort();
    expect(realSignal(abort)).toBe(abort.signal);
  });
});
