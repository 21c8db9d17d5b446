/**
 * @switchyard/test-kit (private): provider wire-format emulators and createTestGateway.
 */
export { startEmulator, writeSse, sendJson } from './emulators/server.js';
export type { Emulator, EmulatorExchange, EmulatorHandler, Fault, RecordedRequest } from './emulators/server.js';
export { startOpenAIEmulator, emulatedAnswer, emulatedUsage, emulatedBatchChat, completionBody } from './emulators/openai.js';
export type { OpenAIEmulator, OpenAIEmulatorOptions } from './emulators/openai.js';
export { emulatedEmbedding, toBase64Floats, embeddingInputs, EMULATED_EMBEDDING_MODELS } from './emulators/openai-embeddings.js';
export { createTestGateway } from './gateway.js';
export type { TestGateway } from './gateway.js';
export { tempDbFile } from './temp.js';
export { freePort } from './ports.js';
export { startEmulatorProcess } from './emulator-process.js';
export type { EmulatorProcess } from './emulator-process.js';
export { startAnthropicEmulator, anthropicErrorBody } from './emulators/anthropic.js';
export type { AnthropicEmulator, AnthropicEmulatorOptions, AnthropicFault } from './emulators/anthropic.js';
export { checkMessagesRequest, thinkingSignature } from './emulators/anthropic-validate.js';
export { startAzureEmulator, azureErrorBody } from './emulators/azure.js';
export type { AzureEmulator, AzureEmulatorOptions } from './emulators/azure.js';
export { startGeminiEmulator, geminiErrorBody } from './emulators/gemini.js';
export type { GeminiEmulator, GeminiEmulatorOptions, GeminiAnswerFault } from './emulators/gemini.js';
export { checkGenerateContentRequest } from './emulators/gemini-validate.js';
export { GEMINI_EMBEDDING_MODELS } from './emulators/gemini-embed.js';
export { startPostgres } from './postgres.js';
export type { TestPostgres } from './postgres.js';
export { startRedis } from './redis.js';
export type { TestRedis } from './redis.js';
export { startBedrockEmulator, bedrockErrorFault, eventFrame } from './emulators/bedrock.js';
export type { BedrockEmulator, BedrockEmulatorOptions, BedrockEmulatorCredentials, BedrockStreamFault } from './emulators/bedrock.js';
export { checkConverseRequest, checkConverseForModel, reasoningSignature } from './emulators/bedrock-validate.js';
export { BEDROCK_EMBEDDING_MODELS } from './emulators/bedrock-embed.js';
export { startOtlpReceiver, spansOf, metricsOf } from './otlp.js';
export type { OtlpReceiver, ReceivedSpan, ReceivedMetric } from './otlp.js';
export { startCli, killClis } from './cli.js';
export { childProcesses } from './procs.js';
export type { ChildProcessInfo } from './procs.js';
export type { CliProcess } from './cli.js';
export { writeGate } from './write-gate.js';
export type { WriteGate } from './write-gate.js';
export { mockProvider, openaiProvider, sqliteStore, postgresStore, sessionTracker, assistants, batches } from './plugins.js';
export { startScript, killScripts } from './script.js';
export type { ScriptProcess } from './script.js';
// the store contract suites (SQL store, jobs, blobs) every store plugin runs against itself
export { storeContract, type OpenedStore, type StoreTarget } from './contracts/store.js';
export { jobsContract } from './contracts/jobs.js';
export { blobsContract, bytesOf, type BlobTarget } from './contracts/blobs.js';
export { batchesState, batchesRoute } from './emulators/openai-batches.js';
export type { EmulatedBatches, EmulatedChat, BatchesDialect } from './emulators/openai-batches.js';
