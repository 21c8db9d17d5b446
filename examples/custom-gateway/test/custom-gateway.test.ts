import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startOpenAIEmulator } from '@switchyard/test-kit';
import { buildGateway } from '../src/gateway.js';

describe('examples/custom-gateway', () => {
  it('serves the mock model over HTTP with e-mails masked, in-process calls included', async () => {
    const gateway = await buildGateway();
    const { url } = await gateway.listen({ port: 0 });
    const client = new OpenAI({ apiKey: 'x', baseURL: url, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'write to ann@example.com' }] });
    expect(r.choices[0]!.message.content).toBe('write to [email]');
    const inProcess = await gateway.call({ body: { model: 'demo', messages: [{ role: 'user', content: 'bob@x.org' }] } });
    expect(inProcess.type === 'completion' && inProcess.body.choices[0]!.message.content).toBe('[email]');
    await gateway.close();
  });

  it('masks e-mails before they reach an upstream provider', async () => {
    const emu = await startOpenAIEmulator();
    const gateway = await buildGateway({ openaiBase: emu.baseURL, openaiKey: emu.apiKey });
    await gateway.call({ body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'me@corp.com' }] } });
    expect(JSON.stringify(emu.requests[0]!.body)).not.toContain('me@corp.com');
    await gateway.close();
    await emu.close();
  });
});
