/**
 * What a background response's job keeps of its request: everything a later run needs from the
 * headers (routing options, session, trace), never a credential.
 */
import { expect, it } from 'vitest';
import { keptHeaders } from '../src/background.js';

it('keeps routing, session and trace headers and drops every credential', () => {
  const kept = keptHeaders({
    authorization: 'Bearer sk-live',
    'proxy-authorization': 'Basic x',
    cookie: 'sid=1',
    'api-key': 'azure-key',
    'x-api-key': 'anthropic-key',
    'x-goog-api-key': 'g',
    'x-auth-token': 't',
    'x-session-id': 'chat-42',
    'x-switchyard-retries': '2',
    traceparent: '00-abc-def-01',
    'x-forwarded-for': ['a', 'b'],
    absent: undefined,
  });
  expect(kept).toEqual({ 'x-session-id': 'chat-42', 'x-switchyard-retries': '2', traceparent: '00-abc-def-01', 'x-forwarded-for': ['a', 'b'] });
});
