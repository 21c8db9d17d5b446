/**
 * Windows in Redis, shared by every gateway that uses it: per scope a sorted set of request
 * times and one of token events, checked and counted by one Lua script, so an admission is
 * atomic across processes and machines. Commands fail at once while Redis is unreachable
 * (no offline queue): a limited call is then refused with a 503, never let through unchecked.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { GatewayError } from '@switchyard/core';
import { WINDOW_MS, type Limiter, type Verdict } from './types.js';

// KEYS: per scope its request set and token set. ARGV: now, window, member, then per scope rpm, tpm (-1 = none).
// Returns {1, requests1, tokens1, ...} when admitted, {0, scopeIndex, kind, limit, used, retryAfterMs} when not.
const ADMIT = `
local now = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local member = ARGV[3]
local n = #KEYS / 2
local usage = {}
for i = 1, n do
  local rk, tk = KEYS[2 * i - 1], KEYS[2 * i]
  local rpm, tpm = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', rk, '-inf', now - w)
  redis.call('ZREMRANGEBYSCORE', tk, '-inf', now - w)
  local count = redis.call('ZCARD', rk)
  if rpm >= 0 and count >= rpm then
    local retry = w
    if rpm > 0 then
      local e = redis.call('ZRANGE', rk, count - rpm, count - rpm, 'WITHSCORES')
      retry = tonumber(e[2]) + w - now
    end
    return {0, i, 'requests', rpm, count, tostring(retry)}
  end
  local toks = redis.call('ZRANGE', tk, 0, -1, 'WITHSCORES')
  local sum = 0
  for j = 1, #toks, 2 do sum = sum + tonumber(string.match(toks[j], ':(%d+)$')) end
  if tpm >= 0 and sum >= tpm then
    local left, retry = sum, w
    for j = 1, #toks, 2 do
      left = left - tonumber(string.match(toks[j], ':(%d+)$'))
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
    redis.call('ZADD', KEYS[2 * i - 1], now, member)
    redis.call('PEXPIRE', KEYS[2 * i - 1], w)
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
  const keys = (scope: string) => [`${prefix}${scope}:r`, `${prefix}${scope}:t`];
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
        reply = await run.switchyardAdmit(checks.length * 2, ...args);
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
      for (const scope of scopes) {
        const tk = keys(scope)[1]!;
        p.zadd(tk, now, `${randomBytes(8).toString('hex')}:${Math.max(0, Math.round(tokens))}`);
        p.pexpire(tk, windowMs);
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
