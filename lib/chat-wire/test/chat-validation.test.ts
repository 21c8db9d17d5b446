/**
 * The quick check of plain chat bodies never lets through what the schema would refuse; the
 * schema still gives every error (and its `param`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatRequestSchema, plainChatRequest } from '../src/schema.js';

const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 200 }), fc.double({ min: -3, max: 3, noNaN: true }), fc.string({ maxLength: 3 }), fc.constant([]), fc.constant({}));
/** Mostly a good value, sometimes anything at all. */
const mostly = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: anything });
/** Usually absent, else mostly good. */
const sometimes = <T,>(good: fc.Arbitrary<T>) => fc.option(mostly(good), { freq: 2, nil: undefined });
/** Mostly absent, else anything. */
const rarely = fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anything });
const message = fc.record({
  role: mostly(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool')),
  content: mostly(fc.string({ maxLength: 5 })),
  name: sometimes(fc.string({ maxLength: 3 })),
  tool_call_id: sometimes(fc.string({ maxLength: 3 })),
  tool_calls: rarely,
  extra: sometimes(anything),
});
const body = fc.record({
  model: mostly(fc.string({ maxLength: 4 })),
  messages: mostly(fc.array(message, { minLength: 1, maxLength: 3 })),
  stream: sometimes(fc.boolean()),
  max_tokens: sometimes(fc.integer({ min: 1, max: 50 })),
  temperature: sometimes(fc.double({ min: 0, max: 2, noNaN: true })),
  top_p: sometimes(fc.double({ min: 0, max: 1, noNaN: true })),
  n: sometimes(fc.integer({ min: 1, max: 128 })),
  user: sometimes(fc.string({ maxLength: 3 })),
  seed: sometimes(fc.integer()),
  tools: rarely,
  unknown_field: sometimes(anything),
});

describe('plainChatRequest', () => {
  it('accepts the common bodies as they are', () => {
    expect(plainChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).toBe(true);
    expect(plainChatRequest({ model: 'm', stream: true, temperature: 0.2, max_tokens: 10, messages: [{ role: 'system', content: 's' }, { role: 'assistant', content: '' }, { role: 'user', content: 'q', name: 'bob' }], vendor_field: { x: 1 } })).toBe(true);
  });

  it('leaves to the schema what it cannot judge: arrays of parts, tools, tool calls, stream_options', () => {
    expect(plainChatRequest({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] })).toBe(false);
    expect(plainChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [] })).toBe(false);
    expect(plainChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } })).toBe(false);
    expect(plainChatRequest(JSON.parse('{"model":"m","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}'))).toBe(true);
  });

  it('agrees with the schema at every bound it judges', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    const cases: Array<Record<string, unknown>> = [
      { temperature: 2 }, { temperature: 2.01 }, { temperature: -0.01 }, { top_p: 1 }, { top_p: 1.01 }, { n: 128 }, { n: 129 }, { n: 0 },
      { max_tokens: 1 }, { max_tokens: 0 }, { max_tokens: 1.5 }, { max_completion_tokens: 0 }, { seed: -1 }, { seed: 0.5 }, { stream: null }, { stream: 'yes' },
      { user: null }, { model: '' }, { model: 1 }, { messages: [] }, { messages: [{ role: 'tool', content: 'x' }] }, { messages: [{ role: 'tool', content: 'x', tool_call_id: 't' }] },
      { messages: [{ role: 'bot', content: 'x' }] }, { messages: [{ role: 'user', content: 'x', name: 3 }] }, { messages: Array.from({ length: 2049 }, () => base.messages[0]) },
    ];
    // the quick check accepts exactly the cases the schema accepts
    for (const c of cases) expect(plainChatRequest({ ...base, ...c }), JSON.stringify(c)).toBe(ChatRequestSchema.safeParse({ ...base, ...c }).success);
  });

  it('never accepts a body the schema refuses (2,000 generated bodies, most of them invalid)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (b) => {
        const parsed = JSON.parse(JSON.stringify(b)) as unknown;
        if (!plainChatRequest(parsed)) return;
        accepted++;
        expect(ChatRequestSchema.safeParse(parsed).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100); // the quick path is exercised, not only the refusals
  });
});
