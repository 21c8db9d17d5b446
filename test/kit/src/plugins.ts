/**
 * The plugins other plugins' tests compose gateways with: a plugin never imports another
 * plugin, not even in its tests (lint enforces it), so tests take them from the kit.
 */
export { default as mockProvider } from '@switchyard/provider-mock';
export { default as openaiProvider } from '@switchyard/provider-openai';
export { default as sqliteStore } from '@switchyard/store-sqlite';
export { default as postgresStore } from '@switchyard/store-postgres';
export { default as sessionTracker } from '@switchyard/session-tracker';
export { default as assistants } from '@switchyard/assistants';
export { default as batches } from '@switchyard/batches';
