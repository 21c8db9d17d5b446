import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createTestGateway, startGeminiEmulator, type GeminiEmulator, type TestGateway } from '@switchyard/test-kit';
import gemini from '@switchyard/provider-gemini';

const SA_EMAIL = 'gateway@emu-project.iam.gserviceaccount.com';

/**
 * A service-account JSON with a fresh RSA key, its token endpoint on the emulator. The
 * emulator learns the public key, or (`wrongKey`) another key, so the signature fails.
 */
function serviceAccount(emu: GeminiEmulator, email = SA_EMAIL, wrongKey = false): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  emu.addServiceAccount(email, wrongKey ? generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey : publicKey);
  return JSON.stringify({
    type: 'service_account',
    project_id: 'emu-project',
    private_key_id: 'key1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    client_id: '1234567890',
    token_uri: emu.tokenUri,
  });
}

describe('vertex_ai through the gateway with the openai SDK', () => {
  let emu: GeminiEmulator;
  let shortLived: GeminiEmulator;
  let t: TestGateway;
  let dir: string;

  beforeAll(async () => {
    emu = await startGeminiEmulator();
    shortLived = await startGeminiEmulator({ tokenTtlSeconds: 60 });
    dir = mkdtempSync(path.join(tmpdir(), 'sy-vertex-'));
    const keyFile = path.join(dir, 'sa.json');
    writeFileSync(keyFile, serviceAccount(emu));
    const shortFile = path.join(dir, 'short.json');
    writeFileSync(shortFile, serviceAccount(shortLived));
    const badFile = path.join(dir, 'bad.json');
    writeFileSync(badFile, serviceAccount(emu, 'rotated@emu-project.iam.gserviceaccount.com', true));
    t = await createTestGateway({
      plugins: [gemini()],
      models: [
        { name: 'pro-token', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: emu.origin, project: 'proj-1', location: 'europe-west4', accessToken: 'ya29.emulator' },
        { name: 'pro-sa', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: emu.origin, location: 'us-east5', credentials: keyFile },
        { name: 'pro-sa-short', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: shortLived.origin, project: 'proj-3', credentials: shortFile },
        { name: 'pro-sa-badsig', provider: 'vertex_ai', model: 'gemini-2.5-pro', apiBase: emu.origin, project: 'proj-4', credentials: badFile },
      ],
    });
  });
  afterEach(() => {
    emu.reset();
    shortLived.reset();
  });
  afterAll(async () => {
    await t?.close();
    await emu?.close();
    await shortLived?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls the Vertex URL with a supplied bearer token', async () => {
    const r = await t.client.chat.completions.create({ model: 'pro-token', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hello vertex' }] });
    expect(r.choices[0]!.message.content).toBe('echo: hello vertex');
    expect(r.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    const req = emu.requests.at(-1)!;
    expect(req.path).toBe('/v1/projects/proj-1/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent');
    expect(req.headers.authorization).toBe('Bearer ya29.emulator');
    expect(req.headers['x-goog-api-key']).toBeUndefined();
    expect(emu.issuedTokens).toHaveLength(0);
  });

  it('streams tool calls from Vertex', async () => {
    const final = await t.client.chat.completions
      .stream({
        model: 'pro-token',
        messages: [{ role: 'user', content: 'look it up' }],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false } } }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'lookup', arguments: '{"q":"look it up"}' } });
    expect(final.usage!.total_tokens).toBeGreaterThan(0);
    expect(emu.requests.at(-1)!.path).toBe('/v1/projects/proj-1/locations/europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
  });

  it('mints a token from a service-account file through google-auth-library, once, and takes the project from it', async () => {
    const a = await t.client.chat.completions.create({ model: 'pro-sa', messages: [{ role: 'user', content: 'first' }] });
    const b = await t.client.chat.completions.create({ model: 'pro-sa', messages: [{ role: 'user', content: 'second' }] });
    expect([a.choices[0]!.message.content, b.choices[0]!.message.content]).toEqual(['echo: first', 'echo: second']);
    const tokenCalls = emu.requests.filter((r) => r.path === '/token');
    expect(tokenCalls).toHaveLength(1);
    const form = new URLSearchParams(tokenCalls[0]!.text);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: SA_EMAIL, scope: 'https://www.googleapis.com/auth/cloud-platform' });
    expect(emu.issuedTokens).toHaveLength(1);
    const calls = emu.requests.filter((r) => r.path.includes(':generateContent'));
    expect(calls.map((r) => r.headers.authorization)).toEqual([`Bearer ${emu.issuedTokens[0]}`, `Bearer ${emu.issuedTokens[0]}`]);
    expect(calls[0]!.path).toBe('/v1/projects/emu-project/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent');
  });

  it('lets the library refresh a token that is about to expire', async () => {
    await t.client.chat.completions.create({ model: 'pro-sa-short', messages: [{ role: 'user', content: 'one' }] });
    await t.client.chat.completions.create({ model: 'pro-sa-short', messages: [{ role: 'user', content: 'two' }] });
    // a 60 s token is inside the library's refresh window, so each call mints a new one
    expect(shortLived.issuedTokens).toHaveLength(2);
    const calls = shortLived.requests.filter((r) => r.path.includes(':generateContent'));
    expect(calls.map((r) => r.headers.authorization)).toEqual(shortLived.issuedTokens.map((tk) => `Bearer ${tk}`));
  });

  it('reports a rejected service-account assertion as a 401 in the OpenAI shape', async () => {
    const err = await t.client.chat.completions.create({ model: 'pro-sa-badsig', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(401);
    expect(e.error).toMatchObject({ type: 'authentication_error', code: 'vertex_auth_failed' });
    expect((e.error as { message: string }).message).toMatch(/Could not get a Vertex AI access token: .*Invalid JWT Signature/);
    expect(emu.requests.filter((r) => r.path.includes(':generateContent'))).toHaveLength(0);
  });
});

describe('vertex_ai with inline credentials in the plugin options', () => {
  it('mints a token from inline JSON and uses the vertex defaults', async () => {
    const emu = await startGeminiEmulator();
    const t = await createTestGateway({
      plugins: [gemini({ vertex: { credentials: serviceAccount(emu), location: 'global', apiBase: `${emu.origin}/v1` } })],
      models: [{ name: 'v', provider: 'vertex_ai', model: 'gemini-2.5-flash', project: 'inline-proj' }],
    });
    try {
      const r = await t.client.chat.completions.create({ model: 'v', messages: [{ role: 'user', content: 'inline' }] });
      expect(r.choices[0]!.message.content).toBe('echo: inline');
      expect(emu.issuedTokens).toHaveLength(1);
      expect(emu.requests.at(-1)!.path).toBe('/v1/projects/inline-proj/locations/global/publishers/google/models/gemini-2.5-flash:generateContent');
    } finally {
      await t.close();
      await emu.close();
    }
  });
});
