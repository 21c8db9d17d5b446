/**
 * writeGate(): holds the store's background writes while a test acts, so it can check what
 * must hold while writes are still queued (budgets counting queued spend, reads that must
 * not wait for them) without racing the batcher, which commits on the next turn.
 */
import { definePlugin, GatewayError, type GatewayPlugin } from '@switchyard/core';
import { type BatchedWrite, type Store, type WriteBatcher } from '@switchyard/store';

/** A plugin that wraps `services.store` so its writes can be held and released. */
export interface WriteGate extends GatewayPlugin {
  /** From now on, writes are queued here instead of reaching the store. */
  hold(): void;
  /** Hands every held write to the store, in order, and stops holding. */
  release(): void;
  /** Resolves once at least `n` writes are held (default 1). */
  held(n?: number): Promise<void>;
}

/**
 * Creates a write gate. List it after the store plugin and before the plugins whose writes it
 * should hold (they read `services.store` when applied).
 *
 * @example
 * ```ts
 * const gate = writeGate();
 * const t = await createTestGateway({ plugins: [sqliteStore({ file: tempDbFile() }), gate, costTracker(), mockProvider()] });
 * gate.hold();
 * await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] });
 * await gate.held(1); // the spend row is queued, not committed
 * gate.release();
 * ```
 */
export function writeGate(): WriteGate {
  let holding = false;
  const queue: BatchedWrite[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let inner: Store | undefined;
  const notify = () => {
    for (const w of [...waiters]) {
      if (queue.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const release = () => {
    holding = false;
    for (const w of queue.splice(0)) inner?.writes.enqueue(w);
  };

  return definePlugin({
    hold: () => void (holding = true),
    release,
    held: (n = 1) => (queue.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    name: '@switchyard/test-kit/write-gate',
    dependencies: ['store'],
    apply(gateway) {
      const store = gateway.services.store;
      if (!store) throw new GatewayError('GW_ERR_PLUGIN', 'writeGate() needs a store plugin listed before it');
      inner = store;
      const writes: WriteBatcher = {
        enqueue(write) {
          if (!holding) return store.writes.enqueue(write);
          queue.push(write);
          notify();
          // a held write reports itself done at once: the call answers while its write is still
          // queued, the state a slow store leaves behind (what budget checks must count)
          return Promise.resolve();
        },
        async flush() {
          if (holding) throw new Error('writeGate: flush() while writes are held would never resolve; release() first');
          await store.writes.flush();
        },
        get pending() {
          return queue.length + store.writes.pending;
        },
      };
      gateway.services.store = {
        dialect: store.dialect,
        db: store.db,
        transaction: (fn) => store.transaction(fn),
        migrate: (owner, migrations) => store.migrate(owner, migrations),
        writes,
        jobs: store.jobs,
        blobs: store.blobs,
        close: () => store.close(),
      };
      // never lose a held write at shutdown: hand them over before the store closes
      gateway.hooks.close.tapPromise({ name: '@switchyard/test-kit/write-gate', stage: 900 }, async () => release());
    },
  });
}
