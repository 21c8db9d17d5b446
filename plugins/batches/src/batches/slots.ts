/**
 * Per-deployment concurrency for gateway-executed batch lines: lines of every batch this
 * process runs share one count per deployment, so a deployment with a limit never has more of
 * them in flight at once. A line takes a slot on one of its model's deployments (waiting while
 * all are full), and the `candidates` hook then routes it there (or to an unlimited deployment).
 * The count is per process: with several processes on one database each keeps its own.
 */
import type { Deployment } from '@switchyard/core';

declare module '@switchyard/core' {
  interface GatewayState {
    /** The deployment a batch line holds a concurrency slot on (it is routed there). */
    batchSlot?: string;
  }
}

/** A slot held by a line; `release()` once its call ended. */
export interface Slot {
  /** The deployment the slot is on; undefined when none of the model's deployments has a limit. */
  deployment?: string;
  release(): void;
}

/**
 * The process's deployment slots.
 *
 * @example
 * ```ts
 * const slots = deploymentSlots((d) => limits[d.id] ?? limits[d.name]);
 * const slot = await slots.acquire(api.models.lookup(model), signal);
 * try { await api.call({ ..., state: { batchLine: true, batchSlot: slot.deployment } }); } finally { slot.release(); }
 * ```
 */
export function deploymentSlots(limitOf: (d: Deployment) => number | undefined) {
  const inUse = new Map<string, number>();
  const waiters = new Set<() => void>();
  const free = (d: Deployment) => {
    const limit = limitOf(d);
    return limit === undefined || (inUse.get(d.id) ?? 0) < limit;
  };
  const wakeAll = () => {
    const ws = [...waiters];
    waiters.clear();
    for (const w of ws) w();
  };

  async function acquire(deployments: readonly Deployment[], signal: AbortSignal): Promise<Slot> {
    if (!deployments.some((d) => limitOf(d) !== undefined)) return { release: () => undefined };
    for (;;) {
      signal.throwIfAborted();
      const d = deployments.find(free);
      if (d) {
        if (limitOf(d) === undefined) return { deployment: d.id, release: () => undefined };
        inUse.set(d.id, (inUse.get(d.id) ?? 0) + 1);
        let released = false;
        return {
          deployment: d.id,
          release: () => {
            if (released) return;
            released = true;
            inUse.set(d.id, inUse.get(d.id)! - 1);
            wakeAll();
          },
        };
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          waiters.delete(done);
          resolve();
        };
        waiters.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** The `candidates` rule: a line holding a slot goes to that deployment, else only to unlimited ones. */
  function route(order: Deployment[], slot: string | undefined): Deployment[] {
    if (slot === undefined) return order;
    const pinned = order.filter((d) => d.id === slot);
    return [...pinned, ...order.filter((d) => d.id !== slot && limitOf(d) === undefined)];
  }

  return { acquire, route, inUse: (id: string) => inUse.get(id) ?? 0 };
}

/** The slots' type. */
export type DeploymentSlots = ReturnType<typeof deploymentSlots>;
