/**
 * The live feed on its own: a subscriber sees the calls of its owner (every owner's with no
 * scope), nothing is built when no one listens, a slow subscriber's overflow is counted and
 * said, and a subscription ends when its signal aborts.
 */
import { expect, it } from 'vitest';
import { createCallContext, type CallEvent, type Principal } from '@switchyard/core';
import { createLiveFeed } from '../src/index.js';

const event = (principal: Principal, model: string): CallEvent => {
  const ctx = createCallContext({ operation: 'chat', endpoint: '/v1/chat/completions', principal });
  ctx.model = model;
  return { ctx, outcome: 'ok', status: 200, request: { model } };
};

async function take(it: AsyncGenerator<string>, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const { value, done } = await it.next();
    if (done) break;
    out.push(...value.split('\n\n').filter(Boolean));
  }
  return out;
}

it('sends each subscriber only its owner’s calls, every call to an unscoped one', async () => {
  const feed = createLiveFeed();
  const ac = new AbortController();
  const own = feed.subscribe('key_a', ac.signal);
  const all = feed.subscribe(undefined, ac.signal);
  expect((await take(own, 1))[0]).toContain('event: ready');
  expect((await take(all, 1))[0]).toContain('"scope":"all"');
  expect(feed.size).toBe(2);
  feed.publish(event({ keyId: 'key_b' }, 'm-b'));
  feed.publish(event({ keyId: 'key_a' }, 'm-a'));
  const mine = await take(own, 1);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toContain('"model":"m-a"');
  const every = await take(all, 2);
  expect(every.map((f) => /"model":"([^"]+)"/.exec(f)![1])).toEqual(['m-b', 'm-a']);
  ac.abort();
  expect(await own.next()).toEqual({ done: true, value: undefined });
  expect(await all.next()).toEqual({ done: true, value: undefined });
  expect(feed.size).toBe(0);
});

it('counts what a slow subscriber missed and says so before the next calls', async () => {
  const feed = createLiveFeed({ maxQueue: 2 });
  const ac = new AbortController();
  const sub = feed.subscribe(undefined, ac.signal);
  await take(sub, 1);
  for (const m of ['1', '2', '3', '4']) feed.publish(event({}, m));
  const frames = await take(sub, 3);
  expect(frames[0]).toBe('event: lost\ndata: {"calls":2}');
  expect(frames.slice(1).map((f) => /"model":"([^"]+)"/.exec(f)![1])).toEqual(['1', '2']);
  ac.abort();
});
