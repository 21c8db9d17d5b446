import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import azureProvider from '@switchyard/provider-azure';
import mockProvider from '@switchyard/provider-mock';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startAzureEmulator, tempDbFile, type TestGateway } from '@switchyard/test-kit';

describe('Responses API natively on Azure OpenAI (emulator)', () => {
  let emu: Awaited<ReturnType<typeof startAzureEmulator>>;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startAzureEmulator();
    const base = { provider: 'azure', model: 'gpt-4o', apiBase: emu.origin, apiKey: emu.apiKey };
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), azureProvider(), mockProvider()],
      models: [
        { name: 'azure-v1', ...base, apiVersion: 'v1' },
        { name: 'azure-dated', ...base, apiVersion: '2025-04-01-preview' },
        { name: 'bridged', provider: 'mock', model: 'transcript' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  it.each(['azure-v1', 'azure-dated'])('passes %s through with signed ids, chains upstream and retrieves', async (model) => {
    const r1 = await t.client.responses.create({ model, input: 'hello azure' });
    expect(r1.id).toMatch(/^resp_n/);
    expect(r1.output_text).toBe('echo: hello azure (turn 1)');
    const r2 = await t.client.responses.create({ model, input: 'again', previous_response_id: r1.id });
    expect(r2.output_text).toBe('echo: again (turn 2)');
    const sent = emu.requests.at(-1)!;
    expect(sent.headers['api-key']).toBe(emu.apiKey);
    expect(sent.path).toMatch(model === 'azure-v1' ? /^\/openai\/v1\/responses/ : /^\/openai\/responses\?api-version=2025-04-01-preview/);
    expect((await t.client.responses.retrieve(r2.id)).previous_response_id).toBe(r1.id);
    const streamed = await t.client.responses.stream({ model, input: 'streamed', previous_response_id: r2.id }).finalResponse();
    expect(streamed.output_text).toBe('echo: streamed (turn 3)');
  });

  it('continues an Azure chain on a bridged model', async () => {
    const a1 = await t.client.responses.create({ model: 'azure-v1', input: 'from azure' });
    const b2 = await t.client.responses.create({ model: 'bridged', input: 'to mock', previous_response_id: a1.id });
    expect(b2.output_text).toBe('from azure | to mock');
  });
});
