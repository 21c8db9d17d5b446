/**
 * Targeted mutants: realistic single-line bugs, each a file, the exact text to find and its
 * replacement. `npm run mutate` puts them in one at a time (in a throwaway copy of the repo)
 * and runs the tests that cover the file; a mutant the tests do not fail on is "missed".
 *
 * When a refactor moves the code, the runner reports the mutant as stale: update its search
 * text (or file) to the new place of the same logic, do not delete it.
 */

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
    file: 'core/src/pipeline/chat.ts',
    bug: 'transform runs before preCall: admission sees the rewritten request, a short-circuit still pays for transform',
    edits: [
      { search: '      if (hooks.transform.isUsed()) request = await hooks.transform.promise(request, ctx);\n', replace: '' },
      {
        search: '      if (hooks.preCall.isUsed()) {\n',
        replace: '      if (hooks.transform.isUsed()) request = await hooks.transform.promise(request, ctx);\n      if (hooks.preCall.isUsed()) {\n',
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
    file: 'core/src/store/create.ts',
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
    file: 'core/src/pipeline/aggregate.ts',
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
    file: 'core/src/pipeline/chat.ts',
    bug: 'the `usage: null` the gateway caused upstream to add reaches a client that did not ask for usage',
    edits: one('          chunk.usage = undefined;\n', ''),
  },
  {
    id: 'abandoned-stream-not-499',
    file: 'core/src/pipeline/chat.ts',
    bug: 'a stream the client abandoned is logged as a success',
    edits: one('      if (!completed && !error) error = clientClosed();\n', ''),
  },
  {
    id: 'abandoned-stream-upstream-abort-500',
    file: 'core/src/pipeline/chat.ts',
    bug: 'a client that hangs up while the upstream stream is silent is logged as an internal error (500), not 499',
    edits: one('      error = ctx.signal.aborted && !(err instanceof GatewayError) ? clientClosed() : toGatewayError(err);', '      error = toGatewayError(err);'),
  },
  {
    id: 'native-id-other-tenant',
    file: 'plugins/responses/src/routes.ts',
    bug: 'another tenant’s native response id is served',
    edits: one("if (!ref || ref.owner !== owner) return undefined; // tampered, or another tenant's", 'if (!ref) return undefined;'),
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
    file: 'core/src/pipeline/chat.ts',
    bug: 'gateway metadata is forwarded to the upstream provider',
    edits: one('  const { metadata: _metadata, ...rest } = request;', '  const { ...rest } = request;'),
  },
  {
    id: 'short-circuit-stream-usage-unasked',
    file: 'core/src/pipeline/convert.ts',
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
    file: 'core/src/router/strategies/types.ts',
    bug: 'simple-shuffle keeps the config order: every call goes to the first deployment',
    edits: one('  keyed.sort((a, b) => b.key - a.key);', '  keyed.sort(() => 0);'),
  },
  {
    id: 'keyset-has-more',
    file: 'core/src/store/paging.ts',
    bug: 'cursor paging never reports has_more',
    edits: one('    .limit(options.limit + 1)', '    .limit(options.limit)'),
  },
  {
    id: 'batcher-bad-write-loses-batch',
    file: 'core/src/store/batcher.ts',
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
    file: 'core/src/http/body.ts',
    bug: 'bodyLimit sizes use 1000 instead of 1024 (20mb is 20,000,000 bytes)',
    edits: one('{ b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }', '{ b: 1, kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3 }'),
  },
  {
    id: 'stream-end-destroys-upstream-connection',
    file: 'core/src/upstream/sse.ts',
    bug: 'a stream read up to `[DONE]` destroys its upstream connection: one TCP connect per streamed call',
    edits: one('    if (!ended) release(res.body);', '    if (!ended) res.body.destroy();'),
  },
  // --- others in plugins/session-tracker
  {
    id: 'session-read-skips-flush',
    file: 'plugins/session-tracker/src/routes.ts',
    bug: 'a session read right after a call may miss it (the call’s record is still queued)',
    edits: one('        await store.writes.flush();\n        const detail', '        const detail'),
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
];

/**
 * The tests that cover each source area (vitest path filters), longest prefix wins.
 * `cli/test/cli.test.ts` is left out: it spawns processes and covers only the CLI.
 */
export const COVERING_TESTS: Record<string, { include: string[]; exclude?: string[] }> = {
  'core/src/': { include: ['core/test/', 'test/e2e/chat-', 'test/e2e/client-abort'], exclude: ['cli/test/cli.test.ts'] },
  'core/src/config/': { include: ['core/test/config'] },
  'core/src/upstream/': { include: ['core/test/', 'test/e2e/chat-', 'test/e2e/upstream-keepalive', 'test/e2e/client-abort'], exclude: ['cli/test/cli.test.ts'] },
  'core/src/store/': { include: ['test/stores/', 'plugins/store-sqlite/'] },
  'core/src/session.ts': { include: ['core/test/', 'plugins/session-tracker/', 'test/e2e/sessions.test.ts'], exclude: ['cli/test/cli.test.ts'] },
  'plugins/session-tracker/': { include: ['plugins/session-tracker/', 'test/e2e/sessions'] },
  'plugins/cost-tracker/': { include: ['plugins/cost-tracker/', 'test/e2e/cost-'] },
  'plugins/responses/': { include: ['test/e2e/responses'] },
  'plugins/provider-mock/': { include: ['plugins/provider-mock/', 'test/e2e/chat-mock'] },
};
