import { describe, expect, it } from 'vitest';
import { BoundedWaits } from '../src/runner/bounded-waits.js';
import { Background } from '../src/runner/background.js';

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('BoundedWaits', () => {
  it('resolves when the work settles, well before the bound, and forgets it', async () => {
    let late = 0;
    const waits = new BoundedWaits(5_000, () => late++);
    const t0 = Date.now();
    await waits.wait(later(10));
    await waits.wait(Promise.reject(new Error('store down')));
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(late).toBe(0);
    expect(waits.size).toBe(0);
  });

  it('gives up after the bound on work that hangs, counting each one, and keeps serving the rest', async () => {
    let late = 0;
    const waits = new BoundedWaits(60, () => late++);
    const hang = new Promise<void>(() => undefined);
    const t0 = Date.now();
    const first = waits.wait(hang);
    await later(30);
    const second = waits.wait(hang);
    const quick = waits.wait(later(5));
    await quick;
    expect(late).toBe(0);
    await first;
    const firstAt = Date.now() - t0;
    expect(firstAt).toBeGreaterThanOrEqual(55);
    expect(late).toBe(1);
    await second;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(85);
    expect(late).toBe(2);
    expect(waits.size).toBe(0);
  });

  it('holds many settled waits behind one slow one without losing any', async () => {
    let late = 0;
    const waits = new BoundedWaits(80, () => late++);
    let release!: () => void;
    const slow = waits.wait(new Promise<void>((r) => (release = r)));
    await Promise.all(Array.from({ length: 3000 }, () => waits.wait(Promise.resolve())));
    expect(waits.size).toBe(1);
    release();
    await slow;
    expect(waits.size).toBe(0);
    expect(late).toBe(0);
  });
});

describe('Background', () => {
  it('flush waits for all work, including work added while flushing, and reports rejections', async () => {
    const bg = new Background();
    const errors: unknown[] = [];
    const order: string[] = [];
    bg.add(
      later(10).then(() => {
        order.push('a');
        bg.add(later(10).then(() => order.push('b')));
      }),
    );
    bg.add(Promise.reject(new Error('x')), (e) => errors.push(e));
    bg.add(Promise.reject(new Error('unreported')));
    expect(bg.size).toBe(3);
    await bg.flush();
    expect(order).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
    expect(bg.size).toBe(0);
    await bg.flush(); // nothing pending: resolves at once
  });
});
