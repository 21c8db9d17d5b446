/**
 * LiteLLM's user API: `/user/new` (with a key, unless `auto_create_key: false`), `/user/info`,
 * `/user/list`, `/user/update`, `/user/delete` (with the user's keys). A user's budget and
 * limits cover all of its keys together. Only admins manage users; a key may read its own user.
 */
import { randomBytes } from 'node:crypto';
import { GatewayError, validate, z, type RouteDefinition } from '@switchyard/core';
import type { UserRecord } from '../records.js';
import { applyLimits, newLimits, notFound, one, requireAdmin, requireSpendFor, spendOf, type RoutesEnv } from './common.js';
import { createKey } from './keys.js';
import { DeleteUsers, NewUser, pageNumber, pageSize, UpdateUser } from './schemas.js';
import { keyObject, teamObject, userObject } from './shapes.js';

type UserBody = z.output<typeof NewUser> | z.output<typeof UpdateUser>;

const ListQuery = z.object({ page: pageNumber, page_size: pageSize.default(25) });

const exists = (id: string) => new GatewayError('GW_ERR_INVALID_REQUEST', `A user with user_id '${id}' already exists.`, { param: 'user_id', publicCode: 'user_exists' });

function applyUserFields(u: UserRecord, body: UserBody, now: number): UserRecord {
  const out = applyLimits(u, body, now);
  if (body.user_email !== undefined) out.userEmail = body.user_email;
  if (body.user_alias !== undefined) out.userAlias = body.user_alias;
  if (body.user_role !== undefined) out.userRole = body.user_role ?? 'internal_user';
  if (body.teams !== undefined) out.teams = body.teams ?? [];
  return out;
}

/**
 * The user routes.
 *
 * @example
 * ```ts
 * for (const r of userRoutes(env)) routes.add(r);
 * ```
 */
export function userRoutes(env: RoutesEnv): RouteDefinition[] {
  const answer = async (u: UserRecord) => userObject(u, await spendOf(env, 'user', u.userId, u), env.now());
  return [
    {
      method: 'POST',
      path: '/user/new',
      async handler(req) {
        requireAdmin(req, 'create users');
        const body = validate(NewUser, req.body ?? {});
        requireSpendFor(env, body.max_budget);
        const userId = body.user_id ?? `user_${randomBytes(8).toString('hex')}`;
        if (await env.repo.user(userId)) throw exists(userId);
        const now = env.now();
        const teams = body.teams ?? (body.team_id ? [body.team_id] : []);
        const user = applyUserFields(
          { ...newLimits({}, now), userId, userEmail: null, userAlias: null, userRole: 'internal_user', teams: [] },
          { ...body, teams },
          now,
        );
        await env.repo.insertUser(user).catch(async (err: unknown) => {
          if (await env.repo.user(userId)) throw exists(userId); // created concurrently
          throw err;
        });
        const out = await answer(user);
        if (!body.auto_create_key) return { body: out };
        // the user's budget and limits cover the key: the key itself gets none of its own
        const { record, key } = await createKey(env, { user_id: userId, team_id: body.team_id ?? null, key_alias: body.key_alias, duration: body.duration, models: [] }, req.principal.keyId);
        return { body: { ...keyObject(record, 0, now), ...out, key } };
      },
    },
    {
      method: 'GET',
      path: '/user/info',
      async handler(req) {
        const userId = one(req.query.user_id) ?? req.principal.userId;
        if (userId === undefined) {
          throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Missing required parameter: user_id.', { param: 'user_id', publicCode: 'missing_required_parameter' });
        }
        const user = await env.repo.user(userId);
        if (!user || (!req.principal.admin && req.principal.userId !== userId)) throw notFound('user', 'user_id', userId);
        // a key's own view of its user lists only itself among the user's keys
        const { keys } = await env.repo.listKeys({ userId, id: req.principal.admin ? undefined : req.principal.keyId });
        const teams = await env.repo.teams(user.teams);
        const now = env.now();
        return {
          body: {
            user_id: userId,
            user_info: await answer(user),
            keys: await Promise.all(keys.map(async (k) => keyObject(k, await spendOf(env, 'key', k.id, k), now))),
            teams: await Promise.all(teams.map(async (t) => teamObject(t, await spendOf(env, 'team', t.teamId, t), now))),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/user/list',
      async handler(req) {
        requireAdmin(req, 'list users');
        const q = validate(ListQuery, req.query);
        const { users, total } = await env.repo.listUsers({ page: q.page, size: q.page_size });
        return { body: { users: await Promise.all(users.map(answer)), total, page: q.page, page_size: q.page_size, total_pages: Math.max(1, Math.ceil(total / q.page_size)) } };
      },
    },
    {
      method: 'POST',
      path: '/user/update',
      async handler(req) {
        requireAdmin(req, 'update users');
        const body = validate(UpdateUser, req.body);
        const user = await env.repo.user(body.user_id);
        if (!user) throw notFound('user', 'user_id', body.user_id);
        requireSpendFor(env, body.max_budget);
        const next = applyUserFields(user, body, env.now());
        await env.repo.updateUser(next);
        env.dir.forgetUser(user.userId);
        return { body: { user_id: user.userId, data: await answer(next) } };
      },
    },
    {
      method: 'POST',
      path: '/user/delete',
      async handler(req) {
        requireAdmin(req, 'delete users');
        const { user_ids } = validate(DeleteUsers, req.body);
        for (const [i, id] of user_ids.entries()) if (!(await env.repo.user(id))) throw notFound('user', `user_ids[${i}]`, id);
        await env.store.transaction((trx) => env.repoFor(trx).deleteUsers(user_ids));
        env.dir.clear();
        return { body: { deleted_users: user_ids } };
      },
    },
  ];
}
