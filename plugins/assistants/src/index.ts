/**
 * @switchyard/assistants: the OpenAI Assistants API on every provider, natively or passed
 * through to OpenAI or Azure.
 */
import { assistants } from './plugin.js';

export { assistants } from './plugin.js';
export type { AssistantsOptions } from './plugin.js';
export { ASSISTANTS_MIGRATIONS, TABLES as ASSISTANTS_TABLES } from './repo.js';
export default assistants;
