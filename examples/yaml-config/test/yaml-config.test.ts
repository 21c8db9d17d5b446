import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createGateway, loadConfigFile, memoryDiagnostics } from '@switchyard/core';
import { startOpenAIEmulator } from '@switchyard/test-kit';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('examples/yaml-config', () => {
  it('boots from .switchyardrc.yaml and serves both models', async () => {
    const emu = await startOpenAIEmulator({ apiKey: 'local-key' });
    const { config, filepath } = await loadConfigFile({ cwd: here });
    expect(path.basename(filepath!)).toBe('.switchyardrc.yaml');
    const gateway = await createGateway(config as object, {
      configDir: here,
      env: { LLAMA_BASE: emu.baseURL, LLAMA_KEY: 'local-key' },
      diagnostics: memoryDiagnostics(),
    });
    const { url } = await gateway.listen({ port: 0 });
    const client = new OpenAI({ apiKey: 'x', baseURL: url, maxRetries: 0 });
    const demo = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'yaml works' }] });
    expect(demo.choices[0]!.message.content).toBe('yaml works');
    const llama = await client.chat.completions.create({ model: 'local-llama', messages: [{ role: 'user', content: 'hi' }] });
    expect(llama.choices[0]!.message.content).toBe('echo: hi');
    expect((emu.requests[0]!.body as { model: string }).model).toBe('llama3.1');
    await gateway.close();
    await emu.close();
  });
});
