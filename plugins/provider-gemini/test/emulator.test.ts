import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGeminiEmulator, type GeminiEmulator } from '@switchyard/test-kit';

/** The emulator is as strict as the real API, so the provider tests mean something. */
describe('the Gemini emulator checks requests strictly', () => {
  let emu: GeminiEmulator;
  beforeAll(async () => {
    emu = await startGeminiEmulator();
  });
  afterAll(() => emu.close());

  const post = async (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': emu.apiKey }) => {
    const res = await fetch(`${emu.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { error?: { code: number; status: string; message: string } } & Record<string, unknown> };
  };
  const studio = '/v1beta/models/gemini-2.5-flash:generateContent';
  const vertex = '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent';
  const user = (text: string) => ({ role: 'user', parts: [{ text }] });

  it('answers a valid request in the generateContent shape', async () => {
    const r = await post(studio, { contents: [user('hi')] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ candidates: [{ content: { role: 'model', parts: [{ text: 'echo: hi' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 1 } });
  });

  it.each([
    ['no contents', {}, /contents is not specified/],
    ['empty contents', { contents: [] }, /contents is not specified/],
    ['an OpenAI role', { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, /valid role/],
    ['empty parts', { contents: [{ role: 'user', parts: [] }] }, /must not be empty/],
    ['two data fields in a part', { contents: [{ role: 'user', parts: [{ text: 'x', inlineData: { mimeType: 'image/png', data: 'AA' } }] }] }, /oneof field 'data'/],
    ['an unknown top-level field', { contents: [user('x')], messages: [] }, /Unknown name "messages"/],
    ['a function response without a call', { contents: [user('x'), { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }] }, /function response turn comes immediately after a function call turn/],
    [
      'fewer responses than calls',
      { contents: [user('x'), { role: 'model', parts: [{ functionCall: { name: 'f' } }, { functionCall: { name: 'g' } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }] },
      /number of function response parts/,
    ],
    ['additionalProperties in a declaration', { contents: [user('x')], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } }] }] }, /Unknown name "additionalProperties"/],
    ['an object without properties', { contents: [user('x')], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: {} } }] }] }, /non-empty for OBJECT/],
    ['an unknown generationConfig field', { contents: [user('x')], generationConfig: { max_tokens: 5 } }, /Unknown name "max_tokens"/],
    ['a temperature out of range', { contents: [user('x')], generationConfig: { temperature: 3 } }, /temperature/],
  ])('rejects %s with 400 INVALID_ARGUMENT', async (_name, body, message) => {
    const r = await post(studio, body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(r.body.error!.message).toMatch(message);
  });

  it('requires the API key on AI Studio paths and a bearer token on Vertex paths', async () => {
    expect((await post(studio, { contents: [user('x')] }, {})).body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect((await post(studio, { contents: [user('x')] }, { 'x-goog-api-key': 'nope' })).body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect((await post(vertex, { contents: [user('x')] }, {})).body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect((await post(vertex, { contents: [user('x')] }, { 'x-goog-api-key': emu.apiKey })).status).toBe(401);
    expect((await post(vertex, { contents: [user('x')] }, { authorization: 'Bearer ya29.emulator' })).status).toBe(200);
  });

  it('issues tokens only for well-formed RS256 JWT-bearer grants', async () => {
    const form = async (fields: Record<string, string>) => {
      const res = await fetch(emu.tokenUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'x@y.iam.gserviceaccount.com', scope: 'https://www.googleapis.com/auth/cloud-platform', aud: emu.tokenUri, iat: now, exp: now + 3600 };
    const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    expect((await form({ grant_type: 'password', assertion: 'a.b.c' })).body.error).toBe('unsupported_grant_type');
    expect((await form({ grant_type: grant, assertion: 'not-a-jwt' })).body.error).toBe('invalid_grant');
    expect((await form({ grant_type: grant, assertion: `${b64({ alg: 'HS256' })}.${b64(claims)}.c2ln` })).body.error_description).toMatch(/RS256/);
    expect((await form({ grant_type: grant, assertion: `${b64({ alg: 'RS256' })}.${b64({ ...claims, scope: 'email' })}.c2ln` })).body.error).toBe('invalid_scope');
    // an unregistered account is not signature-checked (the emulator has no key for it)
    const ok = await form({ grant_type: grant, assertion: `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2ln` });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ access_token: expect.stringMatching(/^ya29\./), expires_in: 3600, token_type: 'Bearer' });
  });

  it('streams whole responses per SSE event with alt=sse', async () => {
    const res = await fetch(`${emu.origin}/v1beta/models/m:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': emu.apiKey },
      body: JSON.stringify({ contents: [user('a b')] }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const frames = (await res.text()).split('\r\n\r\n').filter(Boolean);
    const parsed = frames.map((f) => JSON.parse(f.replace(/^data: /, '')) as { candidates: Array<{ finishReason?: string }> });
    expect(parsed.length).toBeGreaterThan(2);
    expect(parsed.at(-1)!.candidates[0]!.finishReason).toBe('STOP');
    expect(frames.some((f) => f.includes('[DONE]'))).toBe(false);
  });
});
