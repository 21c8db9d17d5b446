import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createGateway, loadConfigFile, memoryDiagnostics } from '@switchyard/core';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('examples/in-house-logger', () => {
  it('is loaded by package name from .switchyardrc.json and logs every call', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-in-house-'));
    const logFile = path.join(dir, 'audit', 'calls.log');
    try {
      const { config, filepath } = await loadConfigFile({ cwd: here });
      expect(path.basename(filepath!)).toBe('.switchyardrc.json');
      const gateway = await createGateway(config as object, {
        configDir: here,
        env: { AUDIT_LOG_FILE: logFile },
        diagnostics: memoryDiagnostics(),
      });
      const { url } = await gateway.listen({ port: 0, host: '127.0.0.1' });
      const client = new OpenAI({ apiKey: 'x', baseURL: url, maxRetries: 0 });
      const { data, response } = await client.chat.completions
        .create({ model: 'assistant', messages: [{ role: 'user', content: 'audit me' }] }, { headers: { 'x-session-id': 'run-7' } })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe('audit me');
      await gateway.close();

      const lines = (await readFile(logFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        team: 'payments',
        requestId: response.headers.get('x-request-id'),
        session: 'run-7',
        model: 'assistant',
        status: 200,
        tokens: data.usage!.total_tokens,
        cost: null,
      });
      expect(JSON.stringify(lines[0])).not.toContain('audit me');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
