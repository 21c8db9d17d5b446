/**
 * createTestGateway(): a gateway listening on a free loopback port, with an official
 * `openai` SDK client pointed at it (no retries on either side unless the test's `router`
 * config asks, so error tests see the error and do not wait).
 */
import OpenAI from 'openai';
import { createGateway, memoryDiagnostics, type CloseReport, type CreateGatewayOptions, type Gateway, type SwitchyardConfig } from '@switchyard/core';

/** A gateway under test. */
export interface TestGateway {
  gateway: Gateway;
  /** Base URL with `/v1`. */
  url: string;
  /** Origin without `/v1`. */
  origin: string;
  /** The official OpenAI SDK, `maxRetries: 0`. */
  client: OpenAI;
  /** Diagnostics captured in memory. */
  diagnostics: ReturnType<typeof memoryDiagnostics>;
  close(): Promise<CloseReport>;
}

/**
 * Builds and starts a gateway for a test.
 *
 * @example
 * ```ts
 * const t = await createTestGateway({ plugins: [mockProvider()] });
 * const r = await t.client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
 * await t.close();
 * ```
 */
export async function createTestGateway(config: SwitchyardConfig, options: CreateGatewayOptions = {}): Promise<TestGateway> {
  const diagnostics = memoryDiagnostics();
  // one attempt per call unless the test asks for retries, as the SDK client below makes none:
  // a test of an upstream error then sees that error, and no test waits on a backoff
  const gateway = await createGateway({ ...config, router: { retries: 0, ...config.router } }, { diagnostics, ...options });
  const { url } = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const client = new OpenAI({ apiKey: 'sk-test-client', baseURL: url, maxRetries: 0, timeout: 20_000 });
  return {
    gateway,
    url,
    origin: url.slice(0, -3),
    client,
    diagnostics,
    close: () => gateway.close({ timeoutMs: 2_000 }),
  };
}
