/**
 * The auth plugin: every call presents a key (the master key or a virtual key); virtual keys,
 * users and teams carry model access, budgets and rate limits, checked before any provider is
 * called; the key, user and team API follows LiteLLM's.
 */
import { hkdfSync } from 'node:crypto';
import { definePlugin, GatewayError, parsePluginOptions, type GatewayPlugin, type Principal } from '@switchyard/core';
import { admit, countTokens, keyProblem, MASTER_KEY_ID, type AdmissionDeps } from './admission.js';
import { invalidKey, presentedKey } from './credentials.js';
import { directory } from './directory.js';
import { hashKey, sameKey } from './keys.js';
import { memoryLimiter } from './limiter/memory.js';
import { redisLimiter } from './limiter/redis.js';
import { storeLimiter } from './limiter/store.js';
import type { Limiter } from './limiter/types.js';
import { AUTH_MIGRATIONS } from './migrations.js';
import { AuthOptionsSchema, type AuthOptions } from './options.js';
import { authRepo } from './repo.js';
import type { RoutesEnv } from './routes/common.js';
import { keyRoutes } from './routes/keys.js';
import { teamRoutes } from './routes/teams.js';
import { userRoutes } from './routes/users.js';

/** Package name, used for every tap. */
export const PLUGIN_NAME = '@switchyard/auth';
const VERSION = '0.1.0';

/** Stage of the `preCall` tap: before every other tap, so a refused call does nothing else. */
export const AUTH_STAGE = -2000;

const NO_KEY = "You didn't provide an API key. Send it as `Authorization: Bearer <key>` (or in an `api-key` or `x-api-key` header).";

/**
 * The auth plugin (needs a store plugin; budgets need `@switchyard/cost-tracker`).
 *
 * @example
 * ```ts
 * createGateway({ plugins: [sqliteStore(), costTracker(), auth({ masterKey: process.env.SWITCHYARD_MASTER_KEY }), mockProvider()] });
 * // curl -H 'Authorization: Bearer <master key>' -d '{"models":["mock/echo"],"max_budget":5}' localhost:4000/key/generate
 * ```
 */
export function auth(options?: AuthOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, AuthOptionsSchema, options);
  const masterKey = opts.masterKey ?? process.env.SWITCHYARD_MASTER_KEY ?? process.env.LITELLM_MASTER_KEY;
  if (!masterKey || masterKey.length < 8) {
    throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `${PLUGIN_NAME} needs a master key of at least 8 characters: set its masterKey option or SWITCHYARD_MASTER_KEY`);
  }
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL;
  const limiterKind = opts.limiter === 'auto' ? (redisUrl ? 'redis' : 'store') : opts.limiter;
  if (limiterKind === 'redis' && !redisUrl) throw new GatewayError('GW_ERR_PLUGIN_OPTIONS', `${PLUGIN_NAME}: limiter redis needs redisUrl (or REDIS_URL)`);
  const now = opts.now ?? Date.now;

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    dependencies: ['store'],
    async apply(gateway) {
      const store = gateway.service('store');
      await store.migrate(PLUGIN_NAME, AUTH_MIGRATIONS);
      const repo = authRepo(store.db);
      const dir = directory(repo, opts.cacheTtlMs);

      let limiter: Limiter;
      if (limiterKind === 'redis') {
        let lastWarned = 0;
        const warn = (err: Error) => {
          if (Date.now() - lastWarned < 60_000) return;
          lastWarned = Date.now();
          gateway.diagnostics.warn(`Redis (rate limits) unreachable: ${err.message}; limited calls get 503 until it is back`);
        };
        try {
          limiter = await redisLimiter(redisUrl!, opts.redisPrefix, warn);
        } catch (err) {
          throw new GatewayError('GW_ERR_PLUGIN', `${PLUGIN_NAME}: cannot reach Redis for rate limits: ${(err as Error).message}`, { cause: err });
        }
      } else limiter = limiterKind === 'store' ? storeLimiter(store) : memoryLimiter();

      const deps: AdmissionDeps = { dir, limiter, services: gateway.services, now };
      gateway.hooks.authenticate.tapPromise(PLUGIN_NAME, async (req): Promise<Principal> => {
        const presented = presentedKey(req.headers);
        if (presented === undefined) throw invalidKey(NO_KEY);
        if (sameKey(presented, masterKey)) return { keyId: MASTER_KEY_ID, admin: true };
        const key = await dir.keyByHash(hashKey(presented));
        if (!key) throw invalidKey('Incorrect API key provided.');
        const [team, user] = await Promise.all([key.teamId ? dir.team(key.teamId) : undefined, key.userId ? dir.user(key.userId) : undefined]);
        const problem = keyProblem(key, team, now());
        if (problem) throw invalidKey(problem);
        const principal: Principal = { keyId: key.id };
        if (key.userId) principal.userId = key.userId;
        if (key.teamId) principal.teamId = key.teamId;
        if (user?.userRole === 'proxy_admin') principal.admin = true;
        return principal;
      });
      gateway.hooks.preCall.tapPromise({ name: PLUGIN_NAME, stage: AUTH_STAGE }, async (request, ctx) => {
        await admit(deps, request.model, ctx);
        return undefined;
      });
      // tokens count once the call is done, before its last bytes: the next call sees them
      gateway.hooks.record.tapPromise(PLUGIN_NAME, async (event) => {
        const tokens = event.ctx.usage?.total_tokens;
        if (tokens) await countTokens(deps, event.ctx.principal, tokens);
      });
      // other plugins derive their keys from the master key instead of storing secrets
      gateway.services.deriveSecret = (purpose) => Buffer.from(hkdfSync('sha256', masterKey, 'switchyard', purpose, 32));

      const env: RoutesEnv = { store, repo, repoFor: authRepo, dir, services: gateway.services, now };
      for (const r of [...keyRoutes(env), ...userRoutes(env), ...teamRoutes(env)]) gateway.addRoute(r);
      gateway.hooks.ready.tapPromise(PLUGIN_NAME, async () => {
        gateway.diagnostics.info(`every call needs a key; rate-limit windows in ${limiter.kind === 'store' ? `the ${store.dialect} store` : limiter.kind}`);
      });
      gateway.hooks.close.tapPromise(PLUGIN_NAME, () => limiter.close());
    },
  });
}
