/**
 * What the Responses handlers share.
 */
import type { OperationCodec, PluginApi } from '@switchyard/core';
import type { Store } from '@switchyard/store';
import type { ResponseIds } from './ids.js';
import type { ResponsesRepo } from './repo.js';
import type { CreateResponse } from './schema.js';
import type { ResponseEvent } from './stream-events.js';
import type { ResponseObject } from './types.js';

/** Shared state of the Responses plugin. */
export interface ResponsesDeps {
  api: PluginApi;
  repo: ResponsesRepo;
  ids: ResponseIds;
  /** The store: its jobs run background responses. */
  store: Store;
  /** The Responses operation's codec (set once the plugin is applied). */
  codec: OperationCodec<CreateResponse, ResponseObject, ResponseEvent>;
}

/** Ownership of stored responses follows the store's rule (key, else user, else team, else anonymous). */
export { ownerOf } from '@switchyard/core';
