import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { LiveRequests } from '../src/http/live.js';
import { RequestAbort } from '../src/runner/abort.js';

/** Just what LiveRequests reads of a response: its close event and whether it finished. */
function response(finished: boolean): ServerResponse {
  return Object.assign(new EventEmitter(), { writableFinished: finished }) as unknown as ServerResponse;
}

describe('LiveRequests', () => {
  it('knows the abort of a request while it is served, and only then', () => {
    const live = new LiveRequests();
    const abort = new RequestAbort();
    const res = response(true);
    expect(live.serves(abort)).toBe(false);
    live.follow(res, abort);
    expect(live.serves(abort)).toBe(true);
    expect(live.serves(new RequestAbort())).toBe(false);
    expect(live.serves(new AbortController().signal)).toBe(false);
    expect(live.serves(undefined)).toBe(false);
    expect([...live]).toEqual([abort]);
    res.emit('close');
    expect(live.serves(abort)).toBe(false);
    expect([...live]).toEqual([]);
    expect(abort.aborted).toBe(false); // finished: nothing to cut
  });

  it('aborts a request whose response closed unfinished (the client went), each with its own abort', () => {
    const live = new LiveRequests();
    const gone = new RequestAbort();
    const done = new RequestAbort();
    const a = response(false);
    const b = response(true);
    live.follow(a, gone);
    live.follow(b, done);
    a.emit('close');
    expect(gone.aborted).toBe(true);
    expect(done.aborted).toBe(false);
    expect([...live]).toEqual([done]);
    b.emit('close');
    expect(done.aborted).toBe(false);
    expect([...live]).toEqual([]);
  });
});

describe('LiveRequests and a request signal that was made', () => {
  it('names the request by its signal too (a route that passed req.signal to gateway.call)', () => {
    const live = new LiveRequests();
    const abort = new RequestAbort();
    live.follow(response(true), abort);
    expect(live.serves(abort.signal)).toBe(true);
    expect(live.serves(new AbortController().signal)).toBe(false);
  });
});
