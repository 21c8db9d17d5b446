/**
 * Windows in Redis, shared by every gateway that uses it: per scope a sorted set of request
 * times, one of token events and their running sum, checked and counted by one Lua script, so an admission is
 * atomic across processes and machines. Commands fail at once while Redis is unreachable
 * (no offline queue): a limited call is then refused with a 503, never let through unchecked.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { GatewayError } from '@switchyard/core';
import { WINDOW_MS, type Limiter, type Verdict } from './types.js';

// KEYS: per scope its request set, token set and token sum. ARGV: now, window, member, then per
// scope rpm, tpm (-1 = none). The token sum is kept with the set, so an admission only touches
// the events that just left. Returns {1, requests1, tokens1, ...} when admitted,
// {0, scopeIndex, kind, limit, used, retryAfterMs} when not.
const ADMIT = `
local now = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local member = ARGV[3]
local edge = now - w
local n = #KEYS / 3
local usage = {}
local amount = function(m) return tonumber(string.match(m, ':(%d+)$')) end
for i = 1, n do
  local rk, tk, sk = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local rpm, tpm = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', rk, '-inf', edge)
  local old = redis.call('ZRANGEBYSCORE', tk, '-inf', edge)
  if #old > 0 then
    local sub = 0
    for j = 1, #old do sub = sub + amount(old[j]) end
    redis.call('DECRBY', sk, sub)
    redis.call('ZREMRANGEBYSCORE', tk, '-inf', edge)
  end
  local sum = tonumber(redis.call('GET', sk) or '0')
  if sum < 0 then sum = 0 end
  local count = redis.call('ZCARD', rk)
  if rpm >= 0 and count >= rpm then
    local retry = w
    if rpm > 0 then
      local e = redis.call('ZRANGE', rk, count - rpm, count - rpm, 'WITHSCORES')
      retry = tonumber(e[2]) + w - now
    end
    return {0, i, 'requests', rpm, count, tostring(retry)}
  end
  if tpm >= 0 and sum >= tpm then
    local toks = redis.call('ZRANGE', tk, 0, -1, 'WITHSCORES')
    local left, retry = sum, w
    for j = 1, #toks, 2 do
      left = left - amount(toks[j])
      if left < tpm then
        retry = tonumber(toks[j + 1]) + w - now
        break
      end
    end
    return {0, i, 'tokens', tpm, sum, tostring(retry)}
  end
  usage[i] = {count, sum}
end
local out = {1}
for i = 1, n do
  local count = usage[i][1]
  if tonumber(ARGV[2 + 2 * i]) >= 0 then
    redis.call('ZADD', KEYS[3 * i - 2], now, member)
    redis.call('PEXPIRE', KEYS[3 * i - 2], w)
    count = count + 1
  end
  out[#out + 1] = count
  out[#out + 1] = usage[i][2]
end
return out
`;

type AdmitReply = [1, ...number[]] | [0, number, 'requests' | 'tokens', number, number, string];

function unavailable(err: unknown): GatewayError {
  return new GatewayError('GW_ERR_OVERLOADED', 'The rate limiter (Redis) is unavailable; retry shortly.', {
    publicCode: 'rate_limiter_unavailable',
    headers: { 'retry-after': '1' },
    cause: err,
    expose: true,
  });
}

/**
 * Connects the Redis limiter (throws when Redis cannot be reached at start).
 *
 * @example
 * ```ts
 * const limiter = await redisLimiter('redis://127.0.0.1:6379', 'switchyard:rl:', (e) => diagnostics.warn('redis', e));
 * ```
 */
export async function redisLimiter(url: string, prefix: string, onError: (err: Error) => void, windowMs = WINDOW_MS): Promise<Limiter> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 5_000, commandTimeout: 5_000 });
  redis.on('error', onError);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect(); // no reconnecting in the background of a gateway that did not start
    throw err;
  }
  redis.defineCommand('switchyardAdmit', { lua: ADMIT });
  const keys = (scope: string) => [`${prefix}${scope}:r`, `${prefix}${scope}:t`, `${prefix}${scope}:s`];
  const run = redis as unknown as { switchyardAdmit(numKeys: number, ...args: Array<string | number>): Promise<AdmitReply> };
  return {
    kind: 'redis',
    async admit(checks, now): Promise<Verdict> {
      const args: Array<string | number> = [];
      for (const c of checks) args.push(...keys(c.scope));
      args.push(now, windowMs, `${now}:${randomBytes(8).toString('hex')}`);
      for (const c of checks) args.push(c.rpm ?? -1, c.tpm ?? -1);
      let reply: AdmitReply;
      try {
        reply = await run.switchyardAdmit(checks.length * 3, ...args);
      } catch (err) {
        throw unavailable(err);
      }
      if (reply[0] === 0) {
        const [, i, kind, limit, used, retry] = reply;
        return { ok: false, refusal: { scope: checks[i - 1]!.scope, kind, limit, used, retryAfterMs: Math.max(1, Number(retry)) } };
      }
      return { ok: true, windows: checks.map((c, i) => ({ scope: c.scope, requests: Number(reply[1 + 2 * i]), tokens: Number(reply[2 + 2 * i]) })) };
    },
    async addTokens(scopes, tokens, now) {
      const p = redis.multi();
      const amount = Math.max(0, Math.round(tokens));
      for (const scope of scopes) {
        const [, tk, sk] = keys(scope) as [string, string, string];
        p.zadd(tk, now, `${randomBytes(8).toString('hex')}:${amount}`);
        p.incrby(sk, amount);
        p.pexpire(tk, windowMs);
        p.pexpire(sk, windowMs);
      }
      try {
        await p.exec();
      } catch (err) {
        throw unavailable(err);
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
