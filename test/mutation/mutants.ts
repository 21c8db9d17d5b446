/**
 * Targeted mutants: realistic single-line bugs, each a file, the exact text to find and its
 * replacement. `npm run mutate` puts them in one at a time (in a throwaway copy of the repo)
 * and runs the tests that cover the file; a mutant the tests do not fail on is "missed".
 *
 * When a refactor moves the code, the mutant no longer applies and `npm run mutate -- --check`
 * (run by `npm test`: ./mutants.test.ts) fails naming it: move its file and search text to the
 * new place of the same logic (the same bug for a user), do not delete it.
 */

import type { Covering } from './check.js';

/** One replacement; `search` must occur exactly once in the file. */
export interface Edit {
  search: string;
  replace: string;
}

/** A deliberate bug. */
export interface Mutant {
  /** Short stable name, used by `--only`. */
  id: string;
  /** Repo-relative file the bug goes into. */
  file: string;
  /** What goes wrong for a user. */
  bug: string;
  /** Applied in order (a move is a deletion and an insertion). */
  edits: Edit[];
  /** The test that should catch it (file › name), for the report. */
  caughtBy?: string;
}

const one = (search: string, replace: string): Edit[] => [{ search, replace }];

/** The mutants, in the order of issue 23's list, then others. */
export const MUTANTS: Mutant[] = [
  // --- the eleven of issue 23
  {
    id: 'transform-before-precall',
    file: 'core/src/runner/runner.ts',
    bug: 'transform runs before preCall: admission sees the rewritten request, a short-circuit still pays for transform',
    edits: [
      { search: '      if (tapped(hooks.transform)) request = (await hooks.transform.promise(request, ctx)) as Req;\n', replace: '' },
      {
        search: '      if (tapped(hooks.preCall)) {\n',
        replace: '      if (tapped(hooks.transform)) request = (await hooks.transform.promise(request, ctx)) as Req;\n      if (tapped(hooks.preCall)) {\n',
      },
    ],
  },
  {
    id: 'input-items-has-more-off-by-one',
    file: 'plugins/responses/src/routes.ts',
    bug: 'input_items says has_more on a page that ends exactly at the last item',
    edits: one('has_more: start + q.limit < ordered.length', 'has_more: start + q.limit <= ordered.length'),
  },
  {
    id: 'cache-write-unpriced',
    file: 'plugins/cost-tracker/src/price.ts',
    bug: 'Anthropic cache_write_tokens are priced as plain input (underbilled)',
    edits: one('cacheWrite: u.prompt_tokens_details?.cache_write_tokens ?? 0,', 'cacheWrite: 0,'),
  },
  {
    id: 'budget-double-count-after-flush',
    file: 'plugins/cost-tracker/src/plugin.ts',
    bug: 'a committed spend row stays in the pending set, so budgets count it twice',
    edits: one('            pendingRows.delete(row);\n', '            // pendingRows.delete(row);\n'),
  },
  {
    id: 'budget-ignores-queued-spend',
    file: 'plugins/cost-tracker/src/budgets.ts',
    bug: 'budget checks ignore spend still queued for writing: back-to-back calls overspend',
    edits: one('const spent = (await spend.total(filter)) + pending(filter);', 'const spent = await spend.total(filter);'),
  },
  {
    id: 'budget-boundary',
    file: 'plugins/cost-tracker/src/budgets.ts',
    bug: 'a budget exactly reached still lets calls through',
    edits: one('if (spent >= b.maxBudget) {', 'if (spent > b.maxBudget) {'),
  },
  {
    id: 'store-close-skips-flush',
    file: 'lib/store/src/create.ts',
    bug: 'store.close() drops writes still queued',
    edits: one('        await writes.flush();\n', ''),
  },
  {
    id: 'server-unknown-keys',
    file: 'core/src/config/schema.ts',
    bug: 'unknown keys under server: are accepted silently (a typo like `prot:` is ignored)',
    edits: one('export const ServerConfigSchema = z.strictObject({', 'export const ServerConfigSchema = z.object({'),
  },
  {
    id: 'aggregate-tool-args-last-fragment',
    file: 'lib/chat-wire/src/aggregate.ts',
    bug: 'the stream aggregate keeps only the last fragment of a tool call’s arguments',
    edits: one('if (tc.function?.arguments) call.args.push(tc.function.arguments);', 'if (tc.function?.arguments) call.args = [tc.function.arguments];'),
  },
  {
    id: 'status-500-exposed',
    file: 'core/src/errors.ts',
    bug: 'an internal error with status exactly 500 shows its message (and secrets in it) to the client',
    edits: one('this.expose = options.expose ?? this.status < 500;', 'this.expose = options.expose ?? this.status <= 500;'),
  },
  {
    id: 'mock-prompt-tokens-drift',
    file: 'plugins/provider-mock/src/plugin.ts',
    bug: 'the mock’s prompt-token count drifts by one',
    edits: one('  return n + 3;\n', '  return n + 2;\n'),
  },
  // --- the behaviours that rested on one test
  {
    id: 'usage-null-shown',
    file: 'lib/chat-wire/src/codec.ts',
    bug: 'the `usage: null` the gateway caused upstream to add reaches a client that did not ask for usage',
    edits: one('      chunk.usage = undefined;\n', ''),
  },
  {
    id: 'abandoned-stream-not-499',
    file: 'core/src/runner/relay.ts',
    bug: 'a stream the client abandoned is logged as a success',
    edits: one('      background.add(settle(clientClosed()));', '      background.add(settle(undefined));'),
  },
  {
    id: 'abandoned-stream-upstream-abort-500',
    file: 'core/src/runner/attempts.ts',
    bug: 'a client that hangs up while the upstream is silent is logged as an internal error (500), not 499',
    edits: one('  if (signal.aborted && !(err instanceof GatewayError)) return abortedBy(signal);\n', ''),
  },
  {
    id: 'native-id-other-tenant',
    file: 'plugins/responses/src/routes.ts',
    bug: 'another tenant’s native response id is served',
    edits: one("if (!ref || !canSee(req.principal, ref.owner)) return undefined; // tampered, or another tenant's", 'if (!ref) return undefined;'),
  },
  {
    id: 'native-id-signature-unchecked',
    file: 'plugins/responses/src/ids.ts',
    bug: 'a native response id with a forged signature of the right length is accepted',
    edits: one('if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;', 'if (given.length !== expected.length) return undefined;'),
  },
  // --- others in core/src
  {
    id: 'metadata-forwarded-upstream',
    file: 'core/src/runner/options.ts',
    bug: 'gateway metadata is forwarded to the upstream provider',
    edits: one("['metadata', 'litellm_metadata', 'session_id',", "['litellm_metadata', 'session_id',"),
  },
  {
    id: 'short-circuit-stream-usage-unasked',
    file: 'lib/chat-wire/src/convert.ts',
    bug: 'a short-circuited (cached) stream sends a usage chunk the client did not ask for',
    edits: one('  if (includeUsage && completion.usage) chunks.push(', '  if (completion.usage) chunks.push('),
  },
  {
    id: 'env-empty-var-ignores-default',
    file: 'core/src/config/env.ts',
    bug: '${VAR:-default} gives "" instead of the default when VAR is set but empty',
    edits: one("    if (v !== undefined && v !== '') return v;", '    if (v !== undefined) return v;'),
  },
  {
    id: 'shuffle-stuck',
    file: 'lib/routing/src/strategies/types.ts',
    bug: 'simple-shuffle keeps the config order: every call goes to the first deployment',
    edits: one('  keyed.sort((a, b) => b.key - a.key);', '  keyed.sort(() => 0);'),
  },
  {
    id: 'keyset-has-more',
    file: 'lib/store/src/paging.ts',
    bug: 'cursor paging never reports has_more',
    edits: one('    .limit(options.limit + 1)', '    .limit(options.limit)'),
  },
  {
    id: 'batcher-bad-write-loses-batch',
    file: 'lib/store/src/batcher.ts',
    bug: 'one failing write loses every other write of its batch',
    edits: one('    if (writes.length === 1) return deps.onError(lastErr);', '    return deps.onError(lastErr);'),
  },
  {
    id: 'session-header-precedence',
    file: 'plugins/session-tracker/src/session-id.ts',
    bug: 'x-litellm-session-id wins over x-session-id',
    edits: one("export const SESSION_HEADERS = ['x-session-id', 'x-litellm-session-id'] as const;", "export const SESSION_HEADERS = ['x-litellm-session-id', 'x-session-id'] as const;"),
  },
  {
    id: 'body-limit-decimal-kb',
    file: 'core/src/config/size.ts',
    bug: 'bodyLimit sizes use 1000 instead of 1024 (20mb is 20,000,000 bytes)',
    edits: one("  const n = bytes.parse(`${m[1]}${unit === 'b' ? 'b' : `${unit[0]}b`}`);", "  const n = Number(m[1]) * 1000 ** 'bkmgt'.indexOf(unit[0]!);"),
  },
  {
    id: 'stream-end-destroys-upstream-connection',
    file: 'lib/upstream/src/sse.ts',
    bug: 'a stream read up to `[DONE]` destroys its upstream connection: one TCP connect per streamed call',
    edits: one('    if (!ended) release(res.body);', '    if (!ended) res.body.destroy();'),
  },
  // --- others in plugins/session-tracker
  {
    id: 'session-read-skips-flush',
    file: 'plugins/session-tracker/src/routes.ts',
    bug: 'a session read right after a call may miss it (the call’s record is still queued)',
    edits: one('        await store.writes.flush(); // read your writes: what is queued is committed first\n', ''),
  },
  // --- others in plugins/cost-tracker
  {
    id: 'budget-scope-ignored',
    file: 'plugins/cost-tracker/src/budgets.ts',
    bug: 'a per-key budget counts everyone’s spend',
    edits: one("    if (b.scope !== 'global') filter[b.scope] = value;\n", ''),
  },
  {
    id: 'weekly-window-hours',
    file: 'plugins/cost-tracker/src/options.ts',
    bug: 'a weekly budget window is 7 hours',
    edits: one("weekly: '7d'", "weekly: '7h'"),
  },
  {
    id: 'override-cache-read-ignored',
    file: 'plugins/cost-tracker/src/price.ts',
    bug: 'a deployment’s cacheReadCostPerToken is ignored',
    edits: one('    t.cacheRead * (p.cacheReadCostPerToken ?? inPrice) +', '    t.cacheRead * inPrice +'),
  },
  {
    id: 'spend-end-user-dropped',
    file: 'plugins/cost-tracker/src/plugin.ts',
    bug: 'spend rows lose the end user',
    edits: one('          end_user: requestUser ?? null,', '          end_user: null,'),
  },
  // --- others in plugins/responses
  {
    id: 'temperature-zero-dropped',
    file: 'plugins/responses/src/to-chat.ts',
    bug: 'temperature: 0 on a bridged Responses call is dropped (falsy check)',
    edits: one('  if (req.temperature != null) chat.temperature = req.temperature;', '  if (req.temperature) chat.temperature = req.temperature;'),
  },
  // --- added with the call runner, the router, auth and hardening (after the 31 above)
  {
    id: 'router-cooldown-one-fail-early',
    file: 'lib/routing/src/router.ts',
    bug: 'a deployment cools down at allowedFails failures, not after them (one failure early)',
    edits: one('fails > cfg.allowedFails', 'fails >= cfg.allowedFails'),
  },
  {
    id: 'retry-after-ignored',
    file: 'core/src/runner/attempts.ts',
    bug: 'a retry of the same deployment ignores the upstream’s retry-after (and a wait over maxRetryAfterMs no longer ends the retries)',
    edits: one('        const wait = retryAfterMs(lastError) ?? backoff(i - 1);', '        const wait = backoff(i - 1);'),
  },
  {
    id: 'fallback-order-reversed',
    file: 'core/src/runner/attempts.ts',
    bug: 'a model’s fallbacks are tried last first',
    edits: one('  if (more) for (const m of more) if (!groups.includes(m)) groups.push(m);', '  if (more) for (const m of [...more].reverse()) if (!groups.includes(m)) groups.push(m);'),
  },
  {
    id: 'default-fallbacks-ignored',
    file: 'core/src/runner/attempts.ts',
    bug: 'router.defaultFallbacks are never tried when every deployment of a model fails',
    edits: one('      addFallbacks(groups, cfg.fallbacks?.[name] ?? (g === 0 ? cfg.defaultFallbacks : undefined));', '      addFallbacks(groups, cfg.fallbacks?.[name]);'),
  },
  {
    id: 'stream-not-retried-before-first-chunk',
    file: 'core/src/runner/attempts.ts',
    bug: 'a stream counts as committed before its first chunk: a 503 before any byte is not retried on another deployment',
    edits: one('        if (!isRetryable(e)) throw e;', '        if (!isRetryable(e) || ctx.stream) throw e;'),
  },
  {
    id: 'aggregate-loses-stream-usage',
    file: 'lib/chat-wire/src/aggregate.ts',
    bug: 'a streamed call’s usage is lost: no tokens, no cost, no tpm for streams',
    edits: one('    if (chunk.usage) this.#usage = chunk.usage;\n', ''),
  },
  {
    id: 'call-record-rebuilt',
    file: 'core/src/observe/call-record.ts',
    bug: 'the call record is built again for every logger instead of once per call',
    edits: one('  const bare = (cache.bare ??= build(event));', '  const bare = build(event);'),
  },
  {
    id: 'stream-cap-off-by-one',
    file: 'core/src/http/run-route.ts',
    bug: 'server.maxStreams lets one stream more through',
    edits: one('  if (streams.open >= streams.max) {', '  if (streams.open > streams.max) {'),
  },
  {
    id: 'json-depth-off-by-one',
    file: 'core/src/http/body.ts',
    bug: 'a body nested one level deeper than server.jsonDepth is parsed',
    edits: one('      if (++depth > max) return true;', '      if (++depth > max + 1) return true;'),
  },
  {
    id: 'mock-max-completion-tokens-uncapped',
    file: 'plugins/provider-mock/src/models.ts',
    bug: 'the mock caps max_tokens but not max_completion_tokens (a 1e9 ask makes it generate for minutes)',
    edits: one('  const max = request.max_completion_tokens ?? request.max_tokens ?? undefined;', '  const max = request.max_tokens ?? undefined;'),
  },
  {
    id: 'auth-blocked-key-admitted',
    file: 'plugins/auth/src/admission.ts',
    bug: 'a blocked virtual key still works',
    edits: one("  if (key.blocked) return 'This API key is blocked.';\n", ''),
  },
  {
    id: 'auth-budget-boundary',
    file: 'plugins/auth/src/admission.ts',
    bug: 'a key, user or team that spent exactly its max_budget is still admitted',
    edits: one('    if (spent >= l.maxBudget) {', '    if (spent > l.maxBudget) {'),
  },
  {
    id: 'anthropic-max-tokens-not-length',
    file: 'plugins/provider-anthropic/src/response.ts',
    bug: 'an Anthropic answer cut by max_tokens says finish_reason "stop", not "length"',
    edits: one("    case 'max_tokens':\n    case 'model_context_window_exceeded':\n", "    case 'model_context_window_exceeded':\n"),
  },
  {
    id: 'call-log-error-count',
    file: 'plugins/session-tracker/src/call-log.ts',
    bug: 'a session’s error_count never counts its failed calls',
    edits: one("    error_count: row.outcome === 'error' ? 1 : 0,", '    error_count: 0,'),
  },
  {
    id: 'litellm-disable-cooldowns-ignored',
    file: 'cli/src/litellm/router.ts',
    bug: 'a LiteLLM config’s router_settings.disable_cooldowns: true is dropped: deployments still cool down',
    edits: one("  if (bool(rs.disable_cooldowns, 'router_settings.disable_cooldowns', ctx)) router.cooldownMs = 0;\n", ''),
  },
];

/**
 * The tests that cover each source area (vitest path filters: substrings of test file paths),
 * longest prefix wins. The runner passes vitest the test files these select, and
 * `--check` fails when a filter matches no test file (the tests moved).
 * Left out on purpose: tests that spawn gateway processes for another concern (cli/test/cli.test.ts,
 * test/auth/multiprocess, test/hardening/kill9 and zz-slow): slow, and they cover no mutant
 * that a faster test does not.
 */
export const COVERING_TESTS: Record<string, Covering> = {
  'core/src/': { include: ['core/test/', 'test/e2e/chat-', 'plugins/provider-openai/test', 'plugins/provider-mock/test', 'test/e2e/client-abort'] },
  'core/src/config/': { include: ['core/test/config', 'test/first-hour/config'] },
  'core/src/http/': { include: ['core/test/', 'test/e2e/chat-', 'plugins/provider-openai/test', 'plugins/provider-mock/test', 'test/hardening/requests'] },
  'lib/chat-wire/': { include: ['lib/chat-wire/', 'plugins/chat/', 'core/test/', 'test/e2e/chat-', 'plugins/provider-openai/test', 'plugins/provider-mock/test', 'test/e2e/client-abort'] },
  'lib/routing/': { include: ['lib/routing/', 'plugins/router/', 'test/e2e/router-reliability', 'test/e2e/router-strategies'] },
  'core/src/runner/attempts.ts': { include: ['core/test/', 'test/e2e/chat-', 'plugins/provider-openai/test', 'plugins/provider-mock/test', 'test/e2e/client-abort', 'test/e2e/router-reliability'] },
  'lib/upstream/': { include: ['lib/upstream/', 'core/test/', 'test/e2e/chat-', 'plugins/provider-openai/test', 'plugins/provider-mock/test', 'test/e2e/upstream-keepalive', 'test/e2e/client-abort'] },
  'lib/store/': { include: ['test/stores/', 'plugins/store-sqlite/', 'plugins/store-postgres/'] },
  'cli/src/litellm/': { include: ['cli/test/litellm-config', 'test/e2e/litellm-config'] },
  'plugins/auth/': { include: ['plugins/auth/', 'test/auth/key-api', 'test/auth/limits'] },
  'plugins/session-tracker/': { include: ['plugins/session-tracker/', 'test/e2e/sessions', 'test/first-hour/sessions'] },
  'plugins/cost-tracker/': { include: ['plugins/cost-tracker/', 'test/e2e/cost-'] },
  'plugins/responses/': { include: ['test/e2e/responses', 'plugins/responses/test'] },
  'plugins/provider-mock/': { include: ['plugins/provider-mock/test', 'test/hardening/requests'] },
  'plugins/provider-anthropic/': { include: ['plugins/provider-anthropic/'] },
};
