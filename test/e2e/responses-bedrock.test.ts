/**
 * Responses API bridged to Bedrock: `text.format` reaches the provider as `response_format`
 * (issue 22: it used to be dropped, and the answer came back as free text).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from '@switchyard/core';
import bedrockProvider from '@switchyard/provider-bedrock';
import responses from '@switchyard/responses';
import sqliteStore from '@switchyard/store-sqlite';
import { createTestGateway, startBedrockEmulator, tempDbFile, type BedrockEmulator, type TestGateway } from '@switchyard/test-kit';

describe('Responses API bridged to Bedrock: text.format', () => {
  let emu: BedrockEmulator;
  let t: TestGateway;
  beforeAll(async () => {
    emu = await startBedrockEmulator();
    t = await createTestGateway({
      plugins: [sqliteStore({ file: tempDbFile() }), responses(), bedrockProvider({ apiBase: emu.origin, region: emu.region, ...emu.credentials })],
      models: [
        { name: 'claude45', provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
        { name: 'claude35', provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' },
        { name: 'llama', provider: 'bedrock', model: 'meta.llama3-70b-instruct-v1:0' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  const Trip = z.object({ city: z.string(), days: z.number().int() });

  it.each([
    ['claude45', 'outputConfig'],
    ['claude35', 'toolConfig'],
  ])('%s: json_schema comes back as JSON that responses.parse() reads (via %s), streamed too', async (model, field) => {
    const r = await t.client.responses.parse({ model, input: 'Lisbon', text: { format: zodTextFormat(Trip, 'trip') } });
    expect(r.output_parsed).toEqual({ city: 'Lisbon', days: 1 });
    expect(emu.requests.at(-1)!.body).toHaveProperty(field);
    const s = await t.client.responses.stream({ model, input: 'Lisbon', text: { format: zodTextFormat(Trip, 'trip') } }).finalResponse();
    expect(JSON.parse(s.output_text)).toEqual({ city: 'Lisbon', days: 1 });
  });

  it('json_object comes back as a JSON object', async () => {
    const r = await t.client.responses.create({ model: 'claude35', input: 'any json', text: { format: { type: 'json_object' } } });
    expect(JSON.parse(r.output_text)).toEqual({ q: 'any json' });
  });

  it('a model that can do neither is a 400 naming the parameter', async () => {
    const err = await t.client.responses.create({ model: 'llama', input: 'x', text: { format: zodTextFormat(Trip, 'trip') } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: 'response_format' });
  });
});
