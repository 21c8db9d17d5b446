/**
 * The client's bytes go upstream with only `model` (and `stream_options`) spliced in: the
 * splice must give exactly what re-serialising the edited object would mean, or decline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spliceTopLevel } from '../src/splice.js';

const edited = (text: string, values: Record<string, unknown>) => ({ ...(JSON.parse(text) as object), ...values });

describe('spliceTopLevel', () => {
  it('replaces top-level values and adds missing ones, keeping every other byte', () => {
    expect(spliceTopLevel('{"model":"fast","messages":[]}', { model: 'gpt-4o' })).toBe('{"model":"gpt-4o","messages":[]}');
    expect(spliceTopLevel('{ "messages" : [1, {"a":"}"}] ,\n "model" :  "x"  }', { model: 'y' })).toBe('{ "messages" : [1, {"a":"}"}] ,\n "model" :  "y"  }');
    expect(spliceTopLevel('{"model":"a","stream":true}', { model: 'b', stream_options: { include_usage: true } })).toBe(
      '{"model":"b","stream":true,"stream_options":{"include_usage":true}}',
    );
    expect(spliceTopLevel('{"stream_options":{"include_usage":false},"model":"a"}', { model: 'b', stream_options: { include_usage: true } })).toBe(
      '{"stream_options":{"include_usage":true},"model":"b"}',
    );
    expect(spliceTopLevel('{}', { model: 'b' })).toBe('{"model":"b"}');
    expect(spliceTopLevel('{"n":1.50,"model":null}', { model: 'b' })).toBe('{"n":1.50,"model":"b"}');
  });

  it('leaves nested keys of the same name alone', () => {
    const text = '{"tools":[{"function":{"parameters":{"model":"nested"}}}],"messages":[{"role":"user","content":"\\"model\\":\\"x\\""}],"model":"top"}';
    const out = spliceTopLevel(text, { model: 'upstream' })!;
    expect(JSON.parse(out)).toEqual(edited(text, { model: 'upstream' }));
  });

  it('declines when it could pick the wrong value: an escaped top-level key, or a key given twice', () => {
    expect(spliceTopLevel('{"model":"cheap","mod\\u0065l":"x"}', { model: 'y' })).toBeUndefined();
    expect(spliceTopLevel('{"model":"a","model":"b"}', { model: 'y' })).toBeUndefined();
  });

  it('for any object body: the splice parses to the edited object (or it declines)', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const body = fc.record({ model: fc.string(), messages: fc.array(value, { maxLength: 3 }) }, { requiredKeys: [] }).chain((base) =>
      fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 4 }).map((extra) => ({ ...extra, ...base })),
    );
    const spaced = fc.constantFrom(undefined, 1, '\t', ' \n ');
    fc.assert(
      fc.property(body, spaced, fc.string(), fc.boolean(), (obj, space, model, usage) => {
        const text = JSON.stringify(obj, null, space as never);
        const values: Record<string, unknown> = usage ? { model, stream_options: { include_usage: true } } : { model };
        const out = spliceTopLevel(text, values);
        if (out === undefined) return;
        expect(JSON.parse(out)).toEqual(edited(text, values));
      }),
      { numRuns: 2000 },
    );
  });
});
