/**
 * Keeps the Azure emulator honest: the official `AzureOpenAI` client of the `openai` SDK
 * (its URL building, api-version and auth headers) talks to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureOpenAI } from 'openai';
import { startAzureEmulator, type AzureEmulator } from '@switchyard/test-kit';

describe('azure emulator with the official AzureOpenAI client', () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startAzureEmulator();
  });
  afterAll(() => emu.close());

  it('serves the deployment URL the SDK builds, with api-key auth', async () => {
    const client = new AzureOpenAI({ endpoint: emu.origin, apiKey: emu.apiKey, apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0]!.message.content).toBe('echo: hi');
    expect(emu.requests.at(-1)!.path).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'a b' }] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]!.choices).toEqual([]);
    expect(chunks[0]!).toHaveProperty('prompt_filter_results');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: a b');
  });

  it('accepts an Entra ID token from azureADTokenProvider and rejects a bad key with Azure errors', async () => {
    const client = new AzureOpenAI({ endpoint: emu.origin, azureADTokenProvider: async () => emu.bearerToken, apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'token' }] });
    expect(r.choices[0]!.message.content).toBe('echo: token');
    const bad = new AzureOpenAI({ endpoint: emu.origin, apiKey: 'wrong', apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
    const missing = new AzureOpenAI({ endpoint: emu.origin, apiKey: emu.apiKey, apiVersion: '2024-10-21', deployment: 'nope', maxRetries: 0 });
    await expect(missing.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404, code: 'DeploymentNotFound' });
  });
});
