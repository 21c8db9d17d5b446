/**
 * Issue 13, item 6: a provider with no key answers 401 in the OpenAI shape naming the variable,
 * before any network call, for every provider whose default key comes from the environment;
 * expected failures are one line in the server log, never a stack.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import anthropic from '@switchyard/provider-anthropic';
import azure from '@switchyard/provider-azure';
import bedrock from '@switchyard/provider-bedrock';
import gemini from '@switchyard/provider-gemini';
import openai from '@switchyard/provider-openai';
import { createTestGateway, freePort, killClis, startCli } from '@switchyard/test-kit';

afterEach(killClis);

const VARS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'AZURE_API_KEY', 'AZURE_OPENAI_API_KEY', 'AZURE_AD_TOKEN', 'AZURE_AI_API_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

describe('a provider with no key', () => {
  it('openai/gpt-4o-mini with no OPENAI_API_KEY: 401 naming the variable, and no stack in the server log', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-nokey-'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const closed = await freePort(); // nothing listens there: an unreachable upstream
    writeFileSync(
      path.join(dir, '.switchyardrc.yaml'),
      `plugins: ["@switchyard/provider-openai"]\nmodels:\n  - { name: down, provider: openai, model: x, apiBase: "http://127.0.0.1:${closed}/v1", apiKey: k }\n`,
    );
    // undefined: left out of the child's environment
    const env = Object.fromEntries([...VARS, 'OPENAI_BASE_URL', 'OPENAI_API_BASE'].map((v) => [v, undefined]));
    const cli = startCli(['--port', '0'], dir, env);
    const client = new OpenAI({ apiKey: 'client-key', baseURL: `${await cli.url}/v1`, maxRetries: 0 });
    for (const stream of [false, true]) {
      const err = (await client.chat.completions.create({ model: 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(401);
      expect(err.error).toMatchObject({ type: 'authentication_error', code: 'provider_api_key_missing' });
      expect(err.message).toContain('No API key for provider openai: set OPENAI_API_KEY');
    }
    const down = (await client.chat.completions.create({ model: 'down', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(down.status).toBe(502);
    cli.child.kill('SIGTERM');
    await cli.exited;
    const log = cli.errors();
    expect(log).toMatch(/warn: POST \/v1\/chat\/completions failed \(req_\w+\): 502 upstream_connection_error: Could not reach the openai upstream/);
    expect(log).not.toMatch(/\n\s+at /); // no stack trace line anywhere
    expect(log).not.toContain('ENOTFOUND');
  });

  it('every provider with a key from the environment says which variable, before any network call', async () => {
    const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
    for (const v of VARS) delete process.env[v];
    // no credential files and no instance metadata: the AWS default chain finds nothing, fast
    Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' });
    try {
      const t = await createTestGateway({
        plugins: [openai(), anthropic(), gemini(), azure({ apiBase: 'https://example-resource.openai.azure.com', azureAi: { apiBase: 'https://example.services.ai.azure.com' } }), bedrock({ region: 'us-east-1' })],
      });
      const cases: Array<[string, RegExp]> = [
        ['openai/gpt-4o-mini', /provider openai: set OPENAI_API_KEY/],
        ['anthropic/claude-sonnet-4-5', /provider anthropic: set ANTHROPIC_API_KEY/],
        ['gemini/gemini-2.5-flash', /provider gemini: set GEMINI_API_KEY or GOOGLE_API_KEY/],
        ['azure/gpt-4o', /provider azure: set AZURE_API_KEY or AZURE_OPENAI_API_KEY or AZURE_AD_TOKEN/],
        ['azure_ai/Llama-3.3-70B-Instruct', /provider azure_ai: set AZURE_AI_API_KEY or AZURE_AD_TOKEN/],
        ['bedrock/anthropic.claude-3-haiku-20240307-v1:0', /provider bedrock: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE/],
      ];
      for (const [model, message] of cases) {
        const err = (await t.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
        expect(err.status, model).toBe(401);
        expect(err.error, model).toMatchObject({ type: 'authentication_error', code: 'provider_api_key_missing' });
        expect(err.message, model).toMatch(message);
      }
      expect(t.diagnostics.messages).toEqual([]); // expected conditions: nothing for the operator's error log
      await t.close();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
      for (const k of ['AWS_EC2_METADATA_DISABLED', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE']) delete process.env[k];
    }
  });
});
