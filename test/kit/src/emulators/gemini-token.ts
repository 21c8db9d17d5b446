/**
 * The OAuth token endpoint of the Gemini emulator (the `token_uri` of test service accounts).
 */
import { verify, type KeyObject } from 'node:crypto';
import { sendJson, type EmulatorExchange } from './server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function b64json(s: string): Json | undefined {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Json;
  } catch {
    return undefined;
  }
}

/**
 * Answers `POST /token` (OAuth JWT-bearer grant, as google-auth-library sends it for service
 * accounts): checks the form, that the assertion is a well-formed, short-lived RS256 JWT
 * asking for the cloud-platform scope, and its signature when the account's public key is
 * known; then issues a token.
 *
 * @example
 * ```ts
 * if (path === '/token') return tokenGrant(x, keys, () => 'ya29.x', 3600);
 * ```
 */
export function tokenGrant(x: EmulatorExchange, keys: ReadonlyMap<string, KeyObject>, issue: () => string, ttl: number): true {
  const form = new URLSearchParams(x.req.text);
  const bad = (error: string, description: string) => (sendJson(x.res, 400, { error, error_description: description }), true as const);
  if (!String(x.req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return bad('invalid_request', 'Expected a form-urlencoded body.');
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return bad('unsupported_grant_type', 'Invalid grant_type.');
  const segments = (form.get('assertion') ?? '').split('.');
  const header = segments.length === 3 ? b64json(segments[0]!) : undefined;
  const claims = segments.length === 3 ? b64json(segments[1]!) : undefined;
  if (!header || !claims || !segments[2]) return bad('invalid_grant', 'Invalid JWT: the assertion is not a well-formed JWT.');
  if (header.alg !== 'RS256') return bad('invalid_grant', 'Invalid JWT: the signing algorithm must be RS256.');
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.iss !== 'string' || typeof claims.aud !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
    return bad('invalid_grant', 'Invalid JWT: iss, aud, iat and exp are required.');
  }
  if (claims.exp <= now || claims.exp - claims.iat > 3600) return bad('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes('https://www.googleapis.com/auth/cloud-platform')) {
    return bad('invalid_scope', 'The cloud-platform scope is required.');
  }
  const key = keys.get(claims.iss);
  if (key && !verify('RSA-SHA256', Buffer.from(`${segments[0]}.${segments[1]}`), key, Buffer.from(segments[2], 'base64url'))) {
    return bad('invalid_grant', 'Invalid JWT Signature.');
  }
  sendJson(x.res, 200, { access_token: issue(), expires_in: ttl, token_type: 'Bearer' });
  return true;
}
