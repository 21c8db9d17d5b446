/**
 * The cost tracker: prices every call from its usage, returns the cost in a response header,
 * records spend per call (key, user, team, end user, session, model), serves spend logs and
 * reports, and refuses calls over budget before they reach a provider.
 */
import { definePlugin, parsePluginOptions, timeOrderedId, type CallContext, type CallEvent, type GatewayPlugin, type z } from '@switchyard/core';
import { budgetsRoute } from './budget-status.js';
import { checkBudgets } from './budgets.js';
import { CostOptionsSchema } from './options.js';
import { contextWindowOf, perTokenPrice, priceUsage, tokenCounts } from './price.js';
import { spendRoutes } from './routes.js';
import { DIMENSIONS, SPEND_MIGRATIONS, spendRepo, type SpendFilter, type SpendRow } from './spend-repo.js';

const PLUGIN_NAME = '@switchyard/cost-tracker';
const VERSION = '0.1.0';

/** Options of the cost tracker. */
export type CostTrackerOptions = z.input<typeof CostOptionsSchema>;

/** Counters the cost tracker keeps. */
export interface CostStats {
  priced: number;
  /** Calls with usage but no known price (cost recorded as null). */
  unpriced: number;
  unpricedModels: string[];
}

function matches(row: SpendRow, f: SpendFilter): boolean {
  for (const [name, col] of Object.entries(DIMENSIONS)) {
    const v = f[name as keyof SpendFilter];
    if (v !== undefined && row[col as keyof SpendRow] !== v) return false;
  }
  return (f.from === undefined || row.created_at >= f.from) && (f.to === undefined || row.created_at < f.to);
}

/**
 * The cost tracker plugin.
 *
 * @example
 * ```ts
 * plugins: ['@switchyard/store-sqlite', ['@switchyard/cost-tracker', { budgets: [{ scope: 'key', maxBudget: 10, period: 'monthly' }] }]]
 * ```
 */
export function costTracker(options?: CostTrackerOptions): GatewayPlugin & { stats(): CostStats } {
  const opts = parsePluginOptions(PLUGIN_NAME, CostOptionsSchema, options);
  const counters = { priced: 0, unpriced: 0, unpricedModels: new Set<string>() };

  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    dependencies: ['store'],
    provides: ['pricing'],
    stats: (): CostStats => ({ priced: counters.priced, unpriced: counters.unpriced, unpricedModels: [...counters.unpricedModels] }),
    async apply(gateway) {
      const store = gateway.service('store');
      await store.migrate(PLUGIN_NAME, SPEND_MIGRATIONS);
      // pricing as a service: batches, routing and deployment checks price as this plugin does
      gateway.services.pricing = {
        price: (usage, deployment, options) => priceUsage(usage, deployment, options),
        perToken: (deployment) => perTokenPrice(deployment),
        contextWindow: (deployment) => contextWindowOf(deployment),
      };
      const spend = spendRepo(store.db, store.dialect);

      const price = (ctx: CallContext) => {
        if (ctx.cost !== undefined || !ctx.usage || !ctx.deployment) return; // a plugin that knew the price set it
        ctx.cost = priceUsage(ctx.usage, ctx.deployment);
        if (ctx.cost === null) {
          counters.unpriced++;
          const model = `${ctx.deployment.provider}/${ctx.deployment.model}`;
          if (!counters.unpricedModels.has(model)) {
            counters.unpricedModels.add(model);
            gateway.diagnostics.warn(`no price known for ${model}: its cost is recorded as unknown (set inputCostPerToken/outputCostPerToken on the deployment)`);
          }
        } else counters.priced++;
      };

      // rows queued in the store's write batcher and not committed yet: budgets count them too
      const pendingRows = new Set<SpendRow>();
      const record = (row: SpendRow): Promise<void> => {
        pendingRows.add(row);
        return store.writes.enqueue(async (trx) => {
          try {
            await spend.insert(row, trx);
          } finally {
            pendingRows.delete(row);
          }
        });
      };
      const pending = (f: SpendFilter) => {
        let sum = 0;
        for (const r of pendingRows) if (r.cost !== null && matches(r, f)) sum += r.cost;
        return sum;
      };
      const flushNow = () => store.writes.flush();
      // budgets of other plugins (keys, users, teams of @switchyard/auth) read spend through this
      gateway.services.spend = {
        total: async (scope) => {
          const f: SpendFilter = { key: scope.key, user: scope.user, team: scope.team, from: scope.from };
          return (await spend.total(f)) + pending(f);
        },
        // a batch's cost, once: the entry id is the row's primary key, so a second record adds nothing
        record: async (e) => {
          const row: SpendRow = {
            id: e.id,
            request_id: e.sessionId ?? e.id,
            created_at: e.createdAt ?? Date.now(),
            endpoint: e.endpoint,
            model: e.model,
            provider: e.provider,
            deployment: e.deployment,
            key_id: e.keyId ?? null,
            user_id: e.userId ?? null,
            team_id: e.teamId ?? null,
            end_user: null,
            session_id: e.sessionId ?? null,
            status: e.status,
            input_tokens: e.inputTokens,
            cached_tokens: e.cachedTokens ?? 0,
            output_tokens: e.outputTokens,
            reasoning_tokens: e.reasoningTokens ?? 0,
            cost: e.cost,
          };
          if (await spend.get(e.id)) return false;
          try {
            await spend.insert(row);
            return true;
          } catch (err) {
            if (await spend.get(e.id)) return false;
            throw err;
          }
        },
      };

      // the one place a call is priced: `cost` runs before the answer's last bytes (and before
      // `record`, which writes the spend row with this price), so a whole answer carries its cost
      gateway.hooks.cost.tapPromise(PLUGIN_NAME, async ({ ctx }) => {
        price(ctx);
        if (typeof ctx.cost === 'number' && !ctx.stream) ctx.responseHeaders[opts.header] = ctx.cost.toPrecision(6);
      });
      // on `record`: the response waits for the spend row's commit, so spend survives a kill -9
      gateway.hooks.record.tapPromise(PLUGIN_NAME, async (event: CallEvent) => {
        const { ctx } = event;
        // a batch line: the batches plugin records the whole batch once, at batch prices
        if (!ctx.usage || !ctx.deployment || ctx.state.batchLine === true) return;
        const t = tokenCounts(ctx.usage);
        const user = event.request?.user ?? (event.payload?.request as { user?: unknown } | undefined)?.user;
        const requestUser = typeof user === 'string' ? user : undefined;
        await record({
          id: timeOrderedId(),
          request_id: ctx.requestId,
          created_at: Math.round(ctx.startedAt),
          endpoint: ctx.endpoint,
          model: ctx.model ?? ctx.deployment.name,
          provider: ctx.deployment.provider,
          deployment: ctx.deployment.id,
          key_id: ctx.principal.keyId ?? null,
          user_id: ctx.principal.userId ?? null,
          team_id: ctx.principal.teamId ?? null,
          end_user: requestUser ?? null,
          session_id: ctx.sessionId ?? null,
          status: event.status,
          input_tokens: t.input,
          cached_tokens: t.cacheRead,
          output_tokens: t.output,
          reasoning_tokens: t.reasoning,
          cost: ctx.cost ?? null,
        });
      });
      if (opts.budgets.length) {
        gateway.hooks.preCall.tapPromise({ name: PLUGIN_NAME, stage: 100 }, async (request, ctx) => {
          await checkBudgets(opts.budgets, spend, pending, ctx, request);
          return undefined;
        });
      }
      for (const r of spendRoutes(spend, flushNow)) gateway.addRoute(r);
      gateway.addRoute(budgetsRoute(opts.budgets, spend, pending, flushNow));
    },
  });
}
