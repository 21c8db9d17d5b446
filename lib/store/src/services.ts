/**
 * The `store` service, added to the core's service registry by declaration merging: a store
 * plugin publishes it, stateful plugins read it.
 */
import type { Store } from './types.js';

declare module '@switchyard/core' {
  interface GatewayServices {
    /** The database, offered by a store plugin (`provides: ['store']`). */
    store?: Store;
  }
}

export {};
