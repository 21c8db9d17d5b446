import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { LiveRequests } from '../src/http/live.js';

/** Just what LiveRequests reads of a response: its close event and whether it finished. */
function response(finished: boolean): ServerResponse {
  return Object.assign(new EventEmitter(), { writableFinished: finished }) as unknown as ServerResponse;
}

describe('LiveRequests', () => {
  it('knows the signal of a request while it is served, and only then', () => {
    const live = new LiveRequests();
    const ac = new AbortController();
    const res = response(true);
    expect(live.serves(ac.signal)).toBe(false);
    live.follow(res, ac);
    expect(live.serves(ac.signal)).toBe(true);
    expect(live.serves(new AbortController().signal)).toBe(false);
    expect(live.serves(undefined)).toBe(false);
    expect([...live]).toEqual([ac]);
    expect([...live.signals()]).toEqual([ac.signal]);
    res.emit('close');
    expect(live.serves(ac.signal)).toBe(false);
    expect([...live]).toEqual([]);
    expect(ac.signal.aborted).toBe(false); // finished: nothing to cut
  });

  it('aborts a request whose response closed unfinished (the client went), each with its own controller', () => {
    const live = new LiveRequests();
    const gone = new AbortController();
    const done = new AbortController();
    const a = response(false);
    const b = response(true);
    live.follow(a, gone);
    live.follow(b, done);
    a.emit('close');
    expect(gone.signal.aborted).toBe(true);
    expect(done.signal.aborted).toBe(false);
    expect([...live]).toEqual([done]);
    b.emit('close');
    expect(done.signal.aborted).toBe(false);
    expect([...live]).toEqual([]);
  });
});
