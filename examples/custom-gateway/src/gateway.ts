/**
 * A gateway composed in code: the mock provider for demos, an OpenAI-compatible upstream
 * when OPENAI_API_KEY is set, and an in-house redaction plugin.
 */
import { createGateway, type Gateway } from '@switchyard/core';
import mockProvider from '@switchyard/provider-mock';
import openaiProvider from '@switchyard/provider-openai';
import { redactEmails } from './redact-emails.js';

/**
 * Builds the example gateway.
 *
 * @example
 * ```ts
 * const gateway = await buildGateway();
 * await gateway.listen({ port: 4000 });
 * ```
 */
export function buildGateway(options: { openaiBase?: string; openaiKey?: string } = {}): Promise<Gateway> {
  const models = [{ name: 'demo', provider: 'mock', model: 'echo' }];
  if (options.openaiBase || process.env.OPENAI_API_KEY) {
    models.push({ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o' });
  }
  return createGateway({
    plugins: [mockProvider(), openaiProvider({ apiBase: options.openaiBase, apiKey: options.openaiKey }), redactEmails()],
    models,
  });
}
