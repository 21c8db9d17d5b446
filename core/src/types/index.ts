/**
 * Public types of the gateway, one file per concern: the chat and embeddings wire shapes,
 * the call (context, principal, attempts), the provider contract, the events observers get,
 * and the router contract.
 */
export type * from './chat.js';
export type * from './embeddings.js';
export type * from './call.js';
export type * from './provider.js';
export type * from './events.js';
export type * from './router.js';
