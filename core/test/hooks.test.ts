import { describe, expect, it } from 'vitest';
import { createGateway, definePlugin, GatewayError, memoryDiagnostics, type CallEvent, type ChatCompletion } from '../src/index.js';
import { PluginError } from '../src/errors.js';
import { fixedProvider, hi } from './helpers.js';

const completion = (content: string): ChatCompletion => ({
  id: 'short',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
});

async function gatewayWith(...plugins: ReturnType<typeof definePlugin>[]) {
  const diagnostics = memoryDiagnostics();
  const gateway = await createGateway({ plugins: [fixedProvider(), ...plugins] }, { diagnostics });
  return { gateway, diagnostics };
}

async function text(out: Awaited<ReturnType<Awaited<ReturnType<typeof createGateway>>['call']>>) {
  if (out.type === 'completion') return out.body.choices[0]!.message.content;
  let s = '';
  for await (const c of out.chunks) s += c.choices[0]?.delta.content ?? '';
  return s;
}

describe('preCall (async series bail)', () => {
  it('short-circuits on a returned completion and never reaches the provider', async () => {
    const { gateway } = await gatewayWith(
      definePlugin({ name: 'cache', apply: (g) => g.hooks.preCall.tapPromise('cache', async () => completion('cached')) }),
    );
    const out = await gateway.call({ body: hi() });
    expect(await text(out)).toBe('cached');
    expect(out.ctx.attempts).toHaveLength(0);
  });

  it('continues on undefined, and treats null like undefined', async () => {
    const { gateway } = await gatewayWith(
      definePlugin({ name: 'a', apply: (g) => g.hooks.preCall.tapPromise('a', async () => undefined) }),
      definePlugin({ name: 'b', apply: (g) => g.hooks.preCall.tapPromise('b', async () => null as unknown as undefined) }),
    );
    expect(await text(await gateway.call({ body: hi('x') }))).toBe('fixed:x');
  });

  it('turns a short-circuit into a stream when the client asked for one, with a usage chunk only when asked', async () => {
    const usage = { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 };
    const { gateway } = await gatewayWith(
      definePlugin({ name: 'cache', apply: (g) => g.hooks.preCall.tapPromise('cache', async () => ({ ...completion('cached'), usage })) }),
    );
    const chunksOf = async (body: Record<string, unknown>) => {
      const out = await gateway.call({ body: { ...hi(), stream: true, ...body } });
      if (out.type !== 'stream') throw new Error('expected a stream');
      const chunks = [];
      for await (const c of out.chunks) chunks.push(c);
      return chunks;
    };
    const plain = await chunksOf({});
    expect(plain.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('cached');
    expect(plain.map((c) => [c.choices.length, c.usage])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
    const withUsage = await chunksOf({ stream_options: { include_usage: true } });
    expect(withUsage).toHaveLength(3);
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage });
  });

  it('lets a plugin reject with its own 4xx GatewayError unchanged', async () => {
    const { gateway } = await gatewayWith(
      definePlugin({
        name: 'budget',
        apply: (g) =>
          g.hooks.preCall.tapPromise('budget', async () => {
            throw new GatewayError('GW_ERR_BUDGET_EXCEEDED', 'over budget', { publicCode: 'budget_exceeded' });
          }),
      }),
    );
    await expect(gateway.call({ body: hi() })).rejects.toMatchObject({ status: 429, publicCode: 'budget_exceeded' });
  });
});

describe('hook order', () => {
  /** Taps every decision hook and observer, recording what each saw. */
  function recorder(short = false) {
    const seen: string[] = [];
    const plugin = definePlugin({
      name: 'recorder',
      apply(g) {
        g.hooks.preCall.tapPromise('recorder', async (req) => {
          seen.push(`preCall:${String(req.messages[0]!.content)}`);
          return short ? completion('cached') : undefined;
        });
        g.hooks.transform.tapPromise('recorder', async (req) => {
          seen.push(`transform:${String(req.messages[0]!.content)}`);
          return { ...req, messages: [{ role: 'user', content: 'rewritten' }] };
        });
        g.hooks.candidates.tapPromise('recorder', async (deployments, req) => {
          seen.push(`candidates:${String((req.messages as Array<{ content: string }>)[0]!.content)}`);
          return deployments;
        });
        g.hooks.record.tapPromise('recorder', async () => void seen.push('record'));
        g.hooks.postCall.tapPromise('recorder', async (res) => {
          seen.push(`postCall:${res.choices[0]!.message.content}`);
          return res;
        });
        g.hooks.cost.tapPromise('recorder', async () => void seen.push('cost'));
        g.hooks.log.tapPromise('recorder', async (e) => void seen.push(`log:${e.outcome}`));
      },
    });
    return { seen, plugin };
  }

  it('runs preCall on the request as the client sent it, then transform, then routing (candidates), provider, postCall, cost, record, log', async () => {
    const { seen, plugin } = recorder();
    const { gateway } = await gatewayWith(plugin);
    const out = await gateway.call({ body: hi('original') });
    expect(await text(out)).toBe('fixed:rewritten');
    await gateway.flush();
    expect(seen).toEqual(['preCall:original', 'transform:original', 'candidates:rewritten', 'postCall:fixed:rewritten', 'cost', 'record', 'log:ok']);
  });

  it('skips transform, routing and postCall when preCall short-circuits', async () => {
    const { seen, plugin } = recorder(true);
    const { gateway } = await gatewayWith(plugin);
    expect(await text(await gateway.call({ body: hi('original') }))).toBe('cached');
    await gateway.flush();
    expect(seen).toEqual(['preCall:original', 'record', 'log:short-circuit']);
  });
});

describe('transform (async series waterfall)', () => {
  it('threads the request through taps in stage order', async () => {
    const seen: string[] = [];
    const { gateway } = await gatewayWith(
      definePlugin({
        name: 'second',
        apply: (g) =>
          g.hooks.transform.tapPromise({ name: 'second', stage: 10 }, async (req) => {
            seen.push(`second saw ${String(req.messages[0]!.content)}`);
            return { ...req, messages: [{ role: 'user', content: `${String(req.messages[0]!.content)}+second` }] };
          }),
      }),
      definePlugin({
        name: 'first',
        apply: (g) =>
          g.hooks.transform.tapPromise({ name: 'first', stage: -10 }, async (req) => ({
            ...req,
            messages: [{ role: 'user', content: `${String(req.messages[0]!.content)}+first` }],
          })),
      }),
    );
    expect(await text(await gateway.call({ body: hi('x') }))).toBe('fixed:x+first+second');
    expect(seen).toEqual(['second saw x+first']);
  });
});

describe('errors from decision hooks', () => {
  it('are attributed to the plugin and the hook', async () => {
    const { gateway } = await gatewayWith(
      definePlugin({
        name: '@acme/broken',
        apply: (g) =>
          g.hooks.transform.tapPromise('@acme/broken', async () => {
            throw new TypeError('oops');
          }),
      }),
    );
    const err = await gateway.call({ body: hi() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect(err).toMatchObject({ plugin: '@acme/broken', hook: 'transform', status: 500, expose: false });
    expect((err as Error).message).toContain('oops');
  });

  it('attributes sync taps too', async () => {
    const { gateway } = await gatewayWith(
      definePlugin({
        name: 'sync-broken',
        apply: (g) =>
          g.hooks.preCall.tap('sync-broken', () => {
            throw new Error('sync boom');
          }),
      }),
    );
    await expect(gateway.call({ body: hi() })).rejects.toMatchObject({ plugin: 'sync-broken', hook: 'preCall' });
  });
});

describe('observers (cost, record, log)', () => {
  it('cost then record before the call resolves (the answer waits for its record), log after, with the call event', async () => {
    const order: string[] = [];
    let event: CallEvent | undefined;
    const { gateway } = await gatewayWith(
      definePlugin({
        name: 'obs',
        apply(g) {
          g.hooks.log.tapPromise('obs', async (e) => {
            order.push('log');
            event = e;
          });
          g.hooks.cost.tapPromise('obs', async (e) => {
            order.push(`cost:${e.usage.total_tokens}`);
            e.ctx.cost = 0.5;
          });
          g.hooks.record.tapPromise('obs', async (e) => {
            await new Promise((r) => setTimeout(r, 20)); // a commit: the call must not resolve before it
            order.push(`record:${e.ctx.cost}`);
          });
        },
      }),
    );
    const out = await gateway.call({ body: hi('x') });
    order.push('returned');
    await gateway.flush();
    expect(order).toEqual(['cost:5', 'record:0.5', 'returned', 'log']);
    expect(event).toMatchObject({ outcome: 'ok', status: 200 });
    expect(event!.ctx.cost).toBe(0.5);
    expect(event!.response!.choices[0]!.message.content).toBe('fixed:x');
    expect(out.ctx.endedAt).toBeGreaterThanOrEqual(out.ctx.startedAt);
  });

  it('with server.recordTimeoutMs: 0 the answer does not wait for record; the record still happens', async () => {
    let release!: () => void;
    const commit = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const gateway = await createGateway(
      {
        server: { recordTimeoutMs: 0 },
        plugins: [
          fixedProvider(),
          definePlugin({
            name: 'slow-record',
            apply: (g) =>
              g.hooks.record.tapPromise('slow-record', async () => {
                await commit;
                order.push('recorded');
              }),
          }),
        ],
      },
      { diagnostics: memoryDiagnostics() },
    );
    await gateway.call({ body: hi() });
    order.push('returned');
    release();
    await gateway.flush();
    expect(order).toEqual(['returned', 'recorded']);
    await gateway.close();
  });

  it('a record that hangs past server.recordTimeoutMs: the answer goes out anyway, a warning says so, the record still completes', async () => {
    let release!: () => void;
    const commit = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const diagnostics = memoryDiagnostics();
    const gateway = await createGateway(
      {
        server: { recordTimeoutMs: 100 },
        plugins: [
          fixedProvider(),
          definePlugin({
            name: 'hung-record',
            apply: (g) =>
              g.hooks.record.tapPromise('hung-record', async () => {
                await commit;
                order.push('recorded');
              }),
          }),
        ],
      },
      { diagnostics },
    );
    const t0 = Date.now();
    await gateway.call({ body: hi() });
    const waited = Date.now() - t0;
    order.push('returned');
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(diagnostics.messages.some((e) => e.level === 'warn' && /recording a call took over 100 ms/.test(e.message))).toBe(true);
    release();
    await gateway.flush();
    expect(order).toEqual(['returned', 'recorded']);
    await gateway.close();
  });

  it('isolates a throwing observer: the call succeeds, the failure is reported, siblings still run', async () => {
    let siblingRan = false;
    const { gateway, diagnostics } = await gatewayWith(
      definePlugin({
        name: 'bad-logger',
        apply: (g) =>
          g.hooks.log.tapPromise('bad-logger', async () => {
            throw new Error('disk full');
          }),
      }),
      definePlugin({
        name: 'sync-bad-logger',
        apply: (g) =>
          g.hooks.log.tap('sync-bad-logger', () => {
            throw new Error('sync disk full');
          }),
      }),
      definePlugin({ name: 'good-logger', apply: (g) => g.hooks.log.tapPromise('good-logger', async () => void (siblingRan = true)) }),
    );
    const out = await gateway.call({ body: hi() });
    expect(out.type).toBe('completion');
    await gateway.flush();
    expect(siblingRan).toBe(true);
    const errors = diagnostics.messages.filter((m) => m.level === 'error').map((m) => m.message);
    expect(errors).toEqual(expect.arrayContaining(['observer bad-logger failed in hook log', 'observer sync-bad-logger failed in hook log']));
  });

  it('see failed calls with outcome error and the status sent', async () => {
    const events: CallEvent[] = [];
    const { gateway } = await gatewayWith(definePlugin({ name: 'obs', apply: (g) => g.hooks.log.tapPromise('obs', async (e) => void events.push(e)) }));
    await gateway.call({ body: hi('x', 'nope/none') }).catch(() => {});
    await gateway.call({ body: { model: 'fixed/x' } }).catch(() => {});
    await gateway.flush();
    expect(events.map((e) => [e.outcome, e.status, e.error?.publicCode])).toEqual([
      ['error', 404, 'model_not_found'],
      ['error', 400, 'missing_required_parameter'],
    ]);
  });
});

describe('streams', () => {
  it('run the chunk hook per chunk, hide forced usage, and give postCall/log the aggregate', async () => {
    let aggregate: ChatCompletion | undefined;
    let logged: CallEvent | undefined;
    const { gateway } = await gatewayWith(
      definePlugin({
        name: 'upper',
        apply(g) {
          g.hooks.chunk.tap('upper', (chunk) => ({
            ...chunk,
            choices: chunk.choices.map((c) => ({ ...c, delta: { ...c.delta, content: c.delta.content?.toUpperCase() } })),
          }));
          g.hooks.postCall.tapPromise('upper', async (res) => {
            aggregate = res;
            return res;
          });
          g.hooks.log.tapPromise('upper', async (e) => void (logged = e));
        },
      }),
    );
    const out = await gateway.call({ body: { ...hi('abc'), stream: true } });
    const chunks = [];
    if (out.type !== 'stream') throw new Error('expected a stream');
    for await (const c of out.chunks) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe('FIXED:ABC');
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true); // usage chunk hidden: client did not ask
    await gateway.flush();
    expect(aggregate!.choices[0]!.message.content).toBe('fixed:abc'); // aggregate of upstream chunks
    expect(logged!.ctx.usage!.total_tokens).toBe(5);
    expect(logged!.ctx.firstTokenAt).toBeDefined();
  });

  it('record a client that stops reading as an error (499)', async () => {
    let logged: CallEvent | undefined;
    const { gateway } = await gatewayWith(definePlugin({ name: 'obs', apply: (g) => g.hooks.log.tapPromise('obs', async (e) => void (logged = e)) }));
    const out = await gateway.call({ body: { ...hi(), stream: true } });
    if (out.type !== 'stream') throw new Error('expected a stream');
    for await (const _ of out.chunks) break;
    await gateway.flush();
    expect(logged).toMatchObject({ outcome: 'error', status: 499 });
  });
});

describe('candidates (async series waterfall)', () => {
  it('sees the deployments in the router order and may filter and reorder them; an empty list is a 503', async () => {
    const seen: string[][] = [];
    const diagnostics = memoryDiagnostics();
    const gateway = await createGateway(
      {
        plugins: [
          fixedProvider(),
          fixedProvider('other'),
          definePlugin({
            name: 'checks',
            apply: (g) =>
              g.hooks.candidates.tapPromise('checks', async (deployments, request) => {
                seen.push(deployments.map((d) => d.id));
                if (request.model === 'none') return [];
                return [...deployments].sort((a) => (a.provider === 'other' ? -1 : 1)); // 'other' first
              }),
          }),
        ],
        models: [
          { name: 'pair', provider: 'fixed', model: 'a', id: 'pair-fixed' },
          { name: 'pair', provider: 'other', model: 'b', id: 'pair-other' },
          { name: 'none', provider: 'fixed', model: 'a' },
        ],
      },
      { diagnostics },
    );
    for (let i = 0; i < 5; i++) expect((await gateway.call({ body: hi('x', 'pair') })).ctx.deployment!.id).toBe('pair-other');
    expect(seen.every((ids) => ids.length === 2 && ids.includes('pair-fixed') && ids.includes('pair-other'))).toBe(true);
    await expect(gateway.call({ body: hi('x', 'none') })).rejects.toMatchObject({ status: 503, publicCode: 'no_deployment_available' });
  });
});

describe('the tap-only view', () => {
  it('cannot call or intercept hooks', async () => {
    let view: Record<string, unknown> | undefined;
    await gatewayWith(definePlugin({ name: 'peek', apply: (g) => void (view = g.hooks.preCall as unknown as Record<string, unknown>) }));
    expect(typeof view!.tapPromise).toBe('function');
    expect(view!.promise).toBeUndefined();
    expect(view!.intercept).toBeUndefined();
    expect(view!.call).toBeUndefined();
  });
});

describe('the hook table', () => {
  it('no hook takes more than three arguments (the guards pass three, without a rest array)', async () => {
    const { createHooks } = await import('../src/hooks.js');
    const hooks = createHooks() as unknown as Record<string, { _args: string[] }>;
    for (const [name, hook] of Object.entries(hooks)) expect(hook._args.length, name).toBeLessThanOrEqual(3);
  });
});
