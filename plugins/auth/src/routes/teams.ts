/**
 * LiteLLM's team API: `/team/new`, `/team/info`, `/team/list`, `/team/update`, `/team/delete`
 * (with the team's keys), `/team/block`, `/team/unblock`. A team's budget and limits cover all
 * of its keys together. Only admins manage teams; a key may read its own team.
 */
import { randomBytes } from 'node:crypto';
import { GatewayError, validate, type z, type RouteDefinition } from '@switchyard/core';
import type { TeamRecord } from '../records.js';
import { applyLimits, newLimits, notFound, one, requireAdmin, requireSpendFor, spendOf, type RoutesEnv } from './common.js';
import { DeleteTeams, NewTeam, TeamRef, UpdateTeam } from './schemas.js';
import { keyObject, teamObject } from './shapes.js';

type TeamBody = z.output<typeof NewTeam> | z.output<typeof UpdateTeam>;

const exists = (id: string) => new GatewayError('GW_ERR_INVALID_REQUEST', `A team with team_id '${id}' already exists.`, { param: 'team_id', publicCode: 'team_exists' });

function applyTeamFields(t: TeamRecord, body: TeamBody, now: number): TeamRecord {
  const out = applyLimits(t, body, now);
  if (body.team_alias !== undefined) out.teamAlias = body.team_alias;
  if (body.members_with_roles !== undefined) out.members = (body.members_with_roles ?? []).map((m) => ({ user_id: m.user_id, role: m.role }));
  if (body.blocked !== undefined) out.blocked = body.blocked === true;
  return out;
}

/**
 * The team routes.
 *
 * @example
 * ```ts
 * for (const r of teamRoutes(env)) routes.add(r);
 * ```
 */
export function teamRoutes(env: RoutesEnv): RouteDefinition[] {
  const answer = async (t: TeamRecord) => teamObject(t, await spendOf(env, 'team', t.teamId, t), env.now());
  const mustFind = async (id: string, param = 'team_id') => {
    const team = await env.repo.team(id);
    if (!team) throw notFound('team', param, id);
    return team;
  };
  const setBlocked = (blocked: boolean): RouteDefinition['handler'] => async (req) => {
    requireAdmin(req, blocked ? 'block teams' : 'unblock teams');
    const { team_id } = validate(TeamRef, req.body);
    const team = await mustFind(team_id);
    const next = { ...team, blocked, updatedAt: env.now() };
    await env.repo.updateTeam(next);
    env.dir.forgetTeam(team_id);
    return { body: await answer(next) };
  };
  return [
    {
      method: 'POST',
      path: '/team/new',
      async handler(req) {
        requireAdmin(req, 'create teams');
        const body = validate(NewTeam, req.body ?? {});
        requireSpendFor(env, body.max_budget);
        const teamId = body.team_id ?? `team_${randomBytes(8).toString('hex')}`;
        if (await env.repo.team(teamId)) throw exists(teamId);
        const now = env.now();
        const team = applyTeamFields({ ...newLimits({}, now), teamId, teamAlias: null, members: [], blocked: false }, body, now);
        await env.repo.insertTeam(team).catch(async (err: unknown) => {
          if (await env.repo.team(teamId)) throw exists(teamId); // created concurrently
          throw err;
        });
        return { body: await answer(team) };
      },
    },
    {
      method: 'GET',
      path: '/team/info',
      async handler(req) {
        const teamId = one(req.query.team_id) ?? req.principal.teamId;
        if (teamId === undefined) {
          throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Missing required parameter: team_id.', { param: 'team_id', publicCode: 'missing_required_parameter' });
        }
        const team = await env.repo.team(teamId);
        if (!team || (!req.principal.admin && req.principal.teamId !== teamId)) throw notFound('team', 'team_id', teamId);
        const { keys } = await env.repo.listKeys({ teamId, id: req.principal.admin ? undefined : req.principal.keyId });
        const now = env.now();
        return {
          body: {
            team_id: teamId,
            team_info: await answer(team),
            keys: await Promise.all(keys.map(async (k) => keyObject(k, await spendOf(env, 'key', k.id, k), now))),
            team_memberships: [],
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/team/list',
      async handler(req) {
        requireAdmin(req, 'list teams');
        return { body: await Promise.all((await env.repo.listTeams()).map(answer)) };
      },
    },
    {
      method: 'POST',
      path: '/team/update',
      async handler(req) {
        requireAdmin(req, 'update teams');
        const body = validate(UpdateTeam, req.body);
        const team = await mustFind(body.team_id);
        requireSpendFor(env, body.max_budget);
        const next = applyTeamFields(team, body, env.now());
        await env.repo.updateTeam(next);
        env.dir.forgetTeam(team.teamId);
        return { body: { team_id: team.teamId, data: await answer(next) } };
      },
    },
    {
      method: 'POST',
      path: '/team/delete',
      async handler(req) {
        requireAdmin(req, 'delete teams');
        const { team_ids } = validate(DeleteTeams, req.body);
        for (const [i, id] of team_ids.entries()) await mustFind(id, `team_ids[${i}]`);
        await env.store.transaction((trx) => env.repoFor(trx).deleteTeams(team_ids));
        env.dir.clear();
        return { body: { deleted_teams: team_ids } };
      },
    },
    { method: 'POST', path: '/team/block', handler: setBlocked(true) },
    { method: 'POST', path: '/team/unblock', handler: setBlocked(false) },
  ];
}
