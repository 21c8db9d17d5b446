import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, definePlugin, memoryDiagnostics } from '../src/index.js';
import { redactSecrets } from '../src/runner/scrub.js';
import { killClis, startCli } from '@switchyard/test-kit';

afterEach(killClis);

const keys = definePlugin({ name: 'test-auth', apply: (g) => g.hooks.authenticate.tapPromise('test-auth', async () => ({ keyId: 'k' })) });

describe('without an auth plugin the gateway serves this machine only', () => {
  it('binds 127.0.0.1 whatever host is asked for, and says so; with an auth plugin the host asked for', async () => {
    const diagnostics = memoryDiagnostics();
    const open = await createGateway({}, { diagnostics });
    const l = await open.listen({ port: 0, host: '0.0.0.0' });
    expect(l.host).toBe('127.0.0.1');
    expect(l.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(diagnostics.messages.some((m) => m.level === 'warn' && /no auth plugin.*127\.0\.0\.1 only, not 0\.0\.0\.0/.test(m.message))).toBe(true);
    const loop = await open.listen({ port: 0, host: '127.0.0.2' });
    expect(loop.host).toBe('127.0.0.2'); // any loopback address is kept
    await open.close();

    const guarded = await createGateway({ plugins: [keys] }, { diagnostics: memoryDiagnostics() });
    expect((await guarded.listen({ port: 0, host: '0.0.0.0' })).host).toBe('0.0.0.0');
    await guarded.close();
  });

  it('the CLI banner says the gateway is open to this machine only', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-open-'));
    writeFileSync(path.join(dir, '.switchyardrc.yaml'), 'plugins: ["@switchyard/provider-mock"]\n');
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const cli = startCli(['--port', '0', '--host', '0.0.0.0'], dir);
    expect(await cli.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(cli.output()).toMatch(/auth: none \(open to this machine only/);
  });
});

describe('secrets in upstream text', () => {
  it('redacts credentials in URLs and echoed headers, keeping the names', () => {
    expect(redactSecrets('GET https://x.googleapis.com/v1/m?key=AIzaXYZ123&alt=sse failed', [])).toBe('GET https://x.googleapis.com/v1/m?key=[redacted]&alt=sse failed');
    expect(redactSecrets('https://acct.blob.core.windows.net/c?sv=2024&sig=abc%2Fdef', [])).toBe('https://acct.blob.core.windows.net/c?sv=2024&sig=[redacted]');
    expect(redactSecrets('header x-api-key: abcdefghij was refused', [])).toBe('header x-api-key: [redacted] was refused');
    expect(redactSecrets('{"api-key":"secretvalue123"}', [])).toBe('{"api-key":"[redacted]"}');
    expect(redactSecrets('Authorization: Bearer abc123xyz', [])).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('postgres://user:hunter22@db:5432/x', [])).toBe('postgres://user:[redacted]@db:5432/x');
    expect(redactSecrets('nothing secret here: tokens=12, key ideas', [])).toBe('nothing secret here: tokens=12, key ideas');
  });
});
