/**
 * AWS SigV4 signing of Bedrock runtime requests with `@smithy/signature-v4`, and the
 * credentials behind it: explicit keys, or the default Node provider chain (env vars,
 * shared config/credentials profiles, SSO, container and instance metadata).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { providerKeyMissing } from '@switchyard/core';

/** AWS credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Returns credentials (possibly refreshed) for each request. */
export type CredentialSource = () => Promise<AwsCredentials>;

/**
 * A credential source: the given keys, or the default provider chain (`AWS_ACCESS_KEY_ID`/
 * `AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, `AWS_PROFILE` and `~/.aws/*`, SSO, ECS/EC2 roles).
 * The chain is created once and caches what it finds until it expires.
 *
 * @example
 * ```ts
 * const creds = credentialSource({ profile: 'prod' });
 * const { accessKeyId } = await creds();
 * ```
 */
export function credentialSource(input: Partial<AwsCredentials> & { profile?: string }): CredentialSource {
  if (input.accessKeyId && input.secretAccessKey) {
    const fixed: AwsCredentials = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey, sessionToken: input.sessionToken };
    return async () => fixed;
  }
  let chain: ReturnType<typeof fromNodeProviderChain> | undefined;
  return async () => {
    chain ??= fromNodeProviderChain(input.profile ? { profile: input.profile } : {});
    try {
      const c = await chain();
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
    } catch (err) {
      throw providerKeyMissing('bedrock', ['AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'], (err as Error).message);
    }
  };
}

/** What {@link signBedrockRequest} signs. */
export interface SignInput {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  region: string;
  credentials: AwsCredentials;
  /** Signing service name (default `bedrock`). */
  service?: string;
}

/**
 * Signs a request with SigV4 and returns the headers to send (the input headers plus
 * `host`, `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` and `authorization`).
 *
 * @example
 * ```ts
 * const headers = await signBedrockRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body, region: 'us-east-1', credentials });
 * ```
 */
export async function signBedrockRequest(input: SignInput): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const signer = new SignatureV4({ service: input.service ?? 'bedrock', region: input.region, credentials: input.credentials, sha256: Sha256 });
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signed = await signer.sign({
    method: input.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: { ...input.headers, host: url.host },
    body: input.body,
  });
  return signed.headers as Record<string, string>;
}
