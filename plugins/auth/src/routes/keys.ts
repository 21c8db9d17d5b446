/**
 * LiteLLM's key API: `/key/generate`, `/key/info`, `/key/list`, `/key/update`, `/key/delete`,
 * `/key/regenerate` (and `/key/{key}/regenerate`), `/key/block`, `/key/unblock`. Only admins
 * manage keys; a key may read and regenerate itself, and gets 404 for any other key.
 */
import { GatewayError, validate, z, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import { durationMs } from '../durations.js';
import { abbreviate, hashKey, newKey, newKeyId } from '../keys.js';
import type { KeyRecord } from '../records.js';
import { applyLimits, findKey, newLimits, notFound, one, requireAdmin, requireSpendFor, spendOf, type RoutesEnv } from './common.js';
import { DeleteKeys, GenerateKey, KeyRef, pageNumber, pageSize, RegenerateKey, UpdateKey } from './schemas.js';
import { keyObject } from './shapes.js';

type KeyBody = z.output<typeof GenerateKey> | z.output<typeof UpdateKey> | z.output<typeof RegenerateKey>;

const ListQuery = z.object({
  page: pageNumber,
  size: pageSize.default(10),
  user_id: z.string().min(1).optional(),
  team_id: z.string().min(1).optional(),
  key_alias: z.string().min(1).optional(),
  return_full_object: z.enum(['true', 'false']).optional(),
});

/** A key the caller may see (its own, or any for an admin), else 404. */
async function visibleKey(env: RoutesEnv, req: RouteRequest, ref: string, param: string): Promise<KeyRecord> {
  const key = await findKey(env.repo, ref);
  if (!key || (!req.principal.admin && key.id !== req.principal.keyId)) throw notFound('key', param);
  return key;
}

const SMALL_BODY = 65_536;

/** A small JSON body that may be absent (`{}` then). */
async function optionalJson(req: RouteRequest): Promise<unknown> {
  const tooLarge = () => new GatewayError('GW_ERR_BODY_TOO_LARGE', 'The request body is larger than 64 KB.', { publicCode: 'request_too_large' });
  // refused unread when declared too large: Node then discards it and keeps the connection
  if (Number(req.headers['content-length'] ?? 0) > SMALL_BODY) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  // read to the end even past the limit (leaving bytes unread would break the connection)
  for await (const chunk of req.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= SMALL_BODY) chunks.push(chunk);
  }
  if (size > SMALL_BODY) throw tooLarge();
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError('GW_ERR_INVALID_JSON', 'The request body is not valid JSON.', { publicCode: 'invalid_json' });
  }
}

async function aliasFree(env: RoutesEnv, alias: string | null | undefined, self?: string): Promise<void> {
  if (!alias) return;
  const taken = await env.repo.keysByAlias([alias]);
  if (taken.some((k) => k.id !== self)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `A key with key_alias '${alias}' already exists.`, { param: 'key_alias', publicCode: 'key_alias_taken' });
  }
}

async function keyTaken(env: RoutesEnv, key: string): Promise<void> {
  if (await env.repo.keyByHash(hashKey(key))) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'This key value is already in use.', { param: 'key', publicCode: 'key_taken' });
}

/** The key fields of a body applied to `k`. */
function applyKeyFields(k: KeyRecord, body: KeyBody, now: number): KeyRecord {
  const out = applyLimits(k, body, now);
  if (body.key_alias !== undefined) out.keyAlias = body.key_alias;
  if (body.user_id !== undefined) out.userId = body.user_id;
  if (body.team_id !== undefined) out.teamId = body.team_id;
  if (body.blocked !== undefined) out.blocked = body.blocked === true;
  if (body.duration !== undefined) {
    out.duration = body.duration;
    out.expiresAt = body.duration === null ? null : now + durationMs(body.duration)!;
  }
  return out;
}

async function answer(env: RoutesEnv, k: KeyRecord) {
  return keyObject(k, await spendOf(env, 'key', k.id, k), env.now());
}

/**
 * Creates a key from a body (also for `/user/new`); returns the record and the key, shown once.
 *
 * @example
 * ```ts
 * const { record, key } = await createKey(env, { user_id: 'u1' }, 'master');
 * ```
 */
export async function createKey(env: RoutesEnv, body: z.output<typeof GenerateKey>, createdBy: string | undefined): Promise<{ record: KeyRecord; key: string }> {
  requireSpendFor(env, body.max_budget);
  await aliasFree(env, body.key_alias);
  const key = body.key ?? newKey();
  if (body.key) await keyTaken(env, key);
  const now = env.now();
  const base: KeyRecord = {
    ...newLimits({}, now),
    id: newKeyId(),
    hash: hashKey(key),
    keyName: abbreviate(key),
    keyAlias: null,
    userId: null,
    teamId: null,
    duration: null,
    expiresAt: null,
    blocked: false,
    createdBy: createdBy ?? null,
  };
  const record = applyKeyFields(base, body, now);
  try {
    await env.repo.insertKey(record);
  } catch (err) {
    // a concurrent request took the alias (or the key) first: the unique index said so
    await aliasFree(env, record.keyAlias);
    if (body.key) await keyTaken(env, key);
    throw err;
  }
  return { record, key };
}

/**
 * The key routes.
 *
 * @example
 * ```ts
 * for (const r of keyRoutes(env)) routes.add(r);
 * ```
 */
export function keyRoutes(env: RoutesEnv): RouteDefinition[] {
  const regenerate = async (req: RouteRequest, pathKey: string | undefined) => {
    const body = validate(RegenerateKey, req.body ?? {});
    const ref = pathKey ?? body.key;
    if (!ref) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Missing required parameter: key.', { param: 'key', publicCode: 'missing_required_parameter' });
    const old = await visibleKey(env, req, ref, 'key');
    const changes = Object.keys(body).filter((k) => k !== 'key' && k !== 'new_key');
    if (changes.length > 0) requireAdmin(req, `change ${changes[0]} while regenerating a key`);
    requireSpendFor(env, body.max_budget);
    await aliasFree(env, body.key_alias, old.id);
    const key = body.new_key ?? newKey();
    if (body.new_key) await keyTaken(env, key);
    const now = env.now();
    // the same id: the key keeps its objects, spend and windows; the old secret stops working
    const next = applyKeyFields({ ...old, hash: hashKey(key), keyName: abbreviate(key) }, body, now);
    await env.repo.updateKey(next);
    env.dir.forgetKey(old);
    return { body: { ...(await answer(env, next)), key } };
  };

  const setBlocked = (blocked: boolean): RouteDefinition['handler'] => async (req) => {
    requireAdmin(req, blocked ? 'block keys' : 'unblock keys');
    const { key: ref } = validate(KeyRef, req.body);
    const k = await visibleKey(env, req, ref, 'key');
    const next = { ...k, blocked, updatedAt: env.now() };
    await env.repo.updateKey(next);
    env.dir.forgetKey(k);
    return { body: await answer(env, next) };
  };

  return [
    {
      method: 'POST',
      path: '/key/generate',
      async handler(req) {
        requireAdmin(req, 'generate keys');
        const body = validate(GenerateKey, req.body ?? {});
        const { record, key } = await createKey(env, body, req.principal.keyId);
        return { body: { ...(await answer(env, record)), key } };
      },
    },
    {
      method: 'GET',
      path: '/key/info',
      async handler(req) {
        const ref = one(req.query.key);
        if (ref === undefined && !req.principal.keyId?.startsWith('key_')) {
          throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Missing required parameter: key.', { param: 'key', publicCode: 'missing_required_parameter' });
        }
        const k = await visibleKey(env, req, ref ?? req.principal.keyId!, 'key');
        return { body: { key: k.id, info: await answer(env, k) } };
      },
    },
    {
      method: 'GET',
      path: '/key/list',
      async handler(req) {
        const q = validate(ListQuery, req.query);
        const filter = { userId: q.user_id, teamId: q.team_id, keyAlias: q.key_alias, id: req.principal.admin ? undefined : (req.principal.keyId ?? '') };
        const { keys, total } = await env.repo.listKeys(filter, { page: q.page, size: q.size });
        const list = q.return_full_object === 'true' ? await Promise.all(keys.map((k) => answer(env, k))) : keys.map((k) => k.id);
        return { body: { keys: list, total_count: total, current_page: q.page, total_pages: Math.max(1, Math.ceil(total / q.size)) } };
      },
    },
    {
      method: 'POST',
      path: '/key/update',
      async handler(req) {
        requireAdmin(req, 'update keys');
        const body = validate(UpdateKey, req.body);
        const k = await visibleKey(env, req, body.key, 'key');
        requireSpendFor(env, body.max_budget);
        await aliasFree(env, body.key_alias, k.id);
        const next = applyKeyFields(k, body, env.now());
        await env.repo.updateKey(next);
        env.dir.forgetKey(k);
        return { body: { ...(await answer(env, next)), key: k.id } };
      },
    },
    {
      method: 'POST',
      path: '/key/delete',
      async handler(req) {
        requireAdmin(req, 'delete keys');
        const body = validate(DeleteKeys, req.body);
        const found: KeyRecord[] = [];
        for (const [i, ref] of (body.keys ?? []).entries()) {
          const k = await findKey(env.repo, ref);
          if (!k) throw notFound('key', `keys[${i}]`);
          found.push(k);
        }
        const byAlias = await env.repo.keysByAlias(body.key_aliases ?? []);
        for (const [i, alias] of (body.key_aliases ?? []).entries()) {
          const k = byAlias.find((x) => x.keyAlias === alias);
          if (!k) throw notFound('key', `key_aliases[${i}]`);
          found.push(k);
        }
        // all or nothing: every key named was found before anything is deleted
        await env.repo.deleteKeys([...new Set(found.map((k) => k.id))]);
        for (const k of found) env.dir.forgetKey(k);
        return { body: { deleted_keys: [...new Set(found.map((k) => k.id))] } };
      },
    },
    { method: 'POST', path: '/key/regenerate', handler: (req) => regenerate(req, undefined) },
    // LiteLLM clients call the path form without a body
    { method: 'POST', path: '/key/:key/regenerate', body: 'raw', handler: async (req) => regenerate({ ...req, body: await optionalJson(req) }, req.params.key) },
    { method: 'POST', path: '/key/block', handler: setBlocked(true) },
    { method: 'POST', path: '/key/unblock', handler: setBlocked(false) },
  ];
}
