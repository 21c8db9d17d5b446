/**
 * Response ids handed to clients. Bridged responses get a random gateway id; native ones
 * encode the deployment and owner that made them with the upstream id, signed with HMAC so
 * an id cannot be forged or edited to reach another deployment or another tenant.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a native response id carries. */
export interface NativeRef {
  /** Deployment id that created the response. */
  deployment: string;
  /** The upstream provider's response id. */
  upstreamId: string;
  /** Owner (key or team) the response belongs to; '' for anonymous. */
  owner: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/**
 * A new random id with a prefix, e.g. `resp_…`, `msg_…`, `fc_…`.
 *
 * @example
 * ```ts
 * newId('msg'); // 'msg_6f1c…'
 * ```
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/**
 * Signs and verifies native response ids with the gateway secret.
 *
 * @example
 * ```ts
 * const ids = responseIds('a long secret');
 * const id = ids.encode({ deployment: 'gpt-4o#0', upstreamId: 'resp_abc', owner: '' });
 * ids.decode(id); // the same NativeRef, or undefined when tampered with
 * ```
 */
export function responseIds(secret: string | Buffer) {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 32);
  return {
    encode(ref: NativeRef): string {
      const payload = b64(JSON.stringify([ref.deployment, ref.upstreamId, ref.owner]));
      return `resp_n${payload}.${sign(payload)}`;
    },
    /** The reference inside a native id, or undefined when it is not one or its signature is wrong. */
    decode(id: string): NativeRef | undefined {
      if (!id.startsWith('resp_n')) return undefined;
      const dot = id.lastIndexOf('.');
      if (dot < 0) return undefined;
      const payload = id.slice(6, dot);
      const given = Buffer.from(id.slice(dot + 1));
      const expected = Buffer.from(sign(payload));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const [deployment, upstreamId, owner] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as string[];
        if (typeof deployment !== 'string' || typeof upstreamId !== 'string' || typeof owner !== 'string') return undefined;
        return { deployment, upstreamId, owner };
      } catch {
        return undefined;
      }
    },
    /** Whether an id is a native (signed) id at all, valid or not. */
    isNative: (id: string) => id.startsWith('resp_n') && id.includes('.'),
  };
}

/** The id helpers. */
export type ResponseIds = ReturnType<typeof responseIds>;
