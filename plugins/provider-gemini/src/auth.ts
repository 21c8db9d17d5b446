/**
 * Vertex AI bearer tokens: a supplied access token, or one minted by google-auth-library
 * from a service-account JSON (inline or a file, `GOOGLE_APPLICATION_CREDENTIALS`) or from
 * Application Default Credentials. The library caches each token and refreshes it before
 * it expires; one client is kept per credential source.
 */
import { readFile } from 'node:fs/promises';
import { GoogleAuth, JWT, type AuthClient } from 'google-auth-library';
import { GatewayError } from '@switchyard/core';

/** The OAuth scope Vertex AI needs. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Time allowed for one token request, in ms. */
const TOKEN_TIMEOUT_MS = 30_000;

/** The token endpoint google-auth-library calls for service accounts. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Where a Vertex deployment's token comes from. */
export interface VertexCredentialSource {
  /** A ready bearer token (used as is). */
  accessToken?: string;
  /** A service-account (or other Google credential) JSON: inline JSON text or a file path. */
  credentials?: string;
}

/** A loaded credential with the project it names, if any. */
interface LoadedClient {
  client: AuthClient;
  projectId?: string;
}

interface ServiceAccountJson {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  project_id?: string;
  token_uri?: string;
  [key: string]: unknown;
}

async function loadJson(credentials: string): Promise<ServiceAccountJson> {
  const text = credentials.trimStart().startsWith('{') ? credentials : await readFile(credentials, 'utf8');
  try {
    return JSON.parse(text) as ServiceAccountJson;
  } catch {
    throw new Error(`credentials ${credentials.trimStart().startsWith('{') ? '(inline)' : credentials} is not valid JSON`);
  }
}

/**
 * A google-auth-library client for a credential JSON. Service accounts get a JWT client
 * whose token requests go to the JSON's `token_uri` (the library otherwise always calls
 * Google's endpoint); other credential types go through `GoogleAuth`.
 */
function clientFor(json: ServiceAccountJson): AuthClient {
  if (json.type === 'service_account' || (json.client_email && json.private_key)) {
    const client = new JWT({
      email: json.client_email,
      key: json.private_key,
      keyId: json.private_key_id,
      scopes: [CLOUD_PLATFORM_SCOPE],
      transporterOptions: { timeout: TOKEN_TIMEOUT_MS },
    });
    const tokenUri = json.token_uri;
    if (tokenUri && tokenUri !== GOOGLE_TOKEN_URL) {
      client.transporter.interceptors.request.add({
        resolved: async (config) => {
          if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUri);
          return config;
        },
      });
    }
    return client;
  }
  return new GoogleAuth({ credentials: json, scopes: [CLOUD_PLATFORM_SCOPE], clientOptions: { transporterOptions: { timeout: TOKEN_TIMEOUT_MS } } }).fromJSON(json);
}

/**
 * Hands out Vertex AI bearer tokens, caching one auth client per credential source.
 *
 * @example
 * ```ts
 * const auth = new VertexAuth();
 * const token = await auth.token({ credentials: '/secrets/sa.json' });
 * ```
 */
export class VertexAuth {
  private readonly clients = new Map<string, Promise<LoadedClient>>();

  /** The project the credential names (service-account `project_id`), if any. */
  async projectOf(source: VertexCredentialSource): Promise<string | undefined> {
    if (source.accessToken) return undefined;
    try {
      return (await this.load(source)).projectId;
    } catch {
      return undefined;
    }
  }

  /** A bearer token for the source; failures become 401 gateway errors. */
  async token(source: VertexCredentialSource): Promise<string> {
    if (source.accessToken) return source.accessToken;
    try {
      const { client } = await this.load(source);
      const { token } = await client.getAccessToken();
      if (!token) throw new Error('the credential gave no access token');
      return token;
    } catch (err) {
      throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `Could not get a Vertex AI access token: ${(err as Error).message}`, {
        status: 401,
        type: 'authentication_error',
        publicCode: 'vertex_auth_failed',
        expose: true,
        cause: err,
      });
    }
  }

  private load(source: VertexCredentialSource): Promise<LoadedClient> {
    const credentials = source.credentials ?? process.env.GOOGLE_APPLICATION_CREDENTIALS;
    const key = credentials ?? '<adc>';
    let loaded = this.clients.get(key);
    if (!loaded) {
      loaded = (async (): Promise<LoadedClient> => {
        if (credentials === undefined) {
          const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
          return { client: await auth.getClient(), projectId: await auth.getProjectId().catch(() => undefined) };
        }
        const json = await loadJson(credentials);
        return { client: clientFor(json), projectId: typeof json.project_id === 'string' ? json.project_id : undefined };
      })();
      // a failed load is retried on the next call (the file may appear, ADC may be set up)
      loaded.catch(() => this.clients.delete(key));
      this.clients.set(key, loaded);
    }
    return loaded;
  }
}
