/**
 * @switchyard/core: the gateway core. Re-exports only.
 */
export { createGateway } from './gateway.js';
export type { Gateway, CreateGatewayOptions, Listening } from './gateway.js';
export { createHooks, OBSERVER_HOOKS } from './hooks.js';
export type { GatewayHooks, HookName, PluginHooks, GatewayLifecycle } from './hooks.js';
export { definePlugin, orderPlugins } from './plugin.js';
export type { GatewayPlugin } from './plugin.js';
export type { PluginApi, GatewayServices, GatewaySettings, ProviderRegistry, ModelTable } from './plugin-api.js';
export { defineConfig } from './config/define.js';
export { loadConfigFile, CONFIG_FILES } from './config/load.js';
export type { LoadedConfig } from './config/load.js';
export { interpolateEnv } from './config/env.js';
export { validateConfig } from './config/validate.js';
export { resolvePlugin, resolvePlugins } from './config/resolve-plugins.js';
export { parsePluginOptions } from './config/options.js';
export type { SwitchyardConfig, ModelConfig, PluginSpec } from './config/schema.js';
export { GatewayError, PluginError, ERROR_CODES, toGatewayError, publicErrorBody } from './errors.js';
export type { ErrorCode, GatewayErrorOptions, OpenAIErrorBody, OpenAIErrorType } from './errors.js';
export { consoleDiagnostics, memoryDiagnostics } from './diagnostics.js';
export type { Diagnostics, DiagnosticsLevel } from './diagnostics.js';
export type { CallInput, CallOutput } from './pipeline/call-types.js';
export { ChunkAggregator } from './pipeline/aggregate.js';
export { completionToChunks, chunksToCompletion } from './pipeline/convert.js';
export { createCallContext, requestIdFrom, now } from './pipeline/context.js';
export type { RouteDefinition, RouteRegistrar, RouteRequest, RouteResponse, RouteMethod } from './http/routes-api.js';
export type { AuthRequest } from './http/auth.js';
export { bearerToken } from './http/auth.js';
export { sseResponse, sseFrame, SSE_HEADERS } from './http/sse.js';
export { upstreamFetch, upstreamFailure, readJson, readText, headerValue } from './upstream/http.js';
export type { UpstreamRequest, UpstreamResponse } from './upstream/http.js';
export { sseEvents } from './upstream/sse.js';
export type { EventSourceMessage } from './upstream/sse.js';
export { validate, paramOf } from './validation/issues.js';
export { ChatRequestSchema } from './validation/chat.js';
export { VERSION } from './version.js';
export { z } from 'zod';
export type * from './types.js';
