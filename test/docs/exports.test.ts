/**
 * The house rule "TSDoc with an @example on every public export", checked: every name the
 * entry points of core, lib/store and lib/upstream export is followed to its declaration.
 * `npx tsx test/docs/exports.ts` prints the same list.
 */
import { describe, expect, it } from 'vitest';
import { checkExportDocs, ENTRY_POINTS, formatMisses } from './exports.js';

describe('public exports are documented', () => {
  it('every export of the entry points has TSDoc with an @example', () => {
    const { checked, misses } = checkExportDocs();
    // the walk really reached the declarations (through export type * and across packages)
    const names = checked.map((c) => c.name);
    for (const n of ['createGateway', 'ChatMessage', 'Store', 'upstreamFetch', 'UpstreamResponse']) expect(names).toContain(n);
    expect(names).not.toContain('z');
    const message = `${misses.length} of ${checked.length} exports of ${ENTRY_POINTS.join(', ')} need TSDoc with a summary and an @example:\n${formatMisses(misses)}\n`;
    expect(misses.length, message).toBe(0);
  });

  it('flags what a fixture leaves undocumented, through every kind of re-export, and skips third-party names', () => {
    const { checked, misses } = checkExportDocs(['test/docs/fixtures/exports/index.ts']);
    expect(checked.map((c) => c.name).sort()).toEqual(['Alias', 'Documented', 'Hidden', 'Ok', 'Shape', 'documented', 'local', 'summaryOnly', 'undocumented']);
    expect(misses.map((m) => [m.name, m.reason, m.at.split(':')[0]]).sort()).toEqual([
      ['Hidden', 'no @example', 'test/docs/fixtures/exports/types.ts'],
      ['Shape', 'no TSDoc', 'test/docs/fixtures/exports/values.ts'],
      ['local', 'no TSDoc', 'test/docs/fixtures/exports/index.ts'],
      ['summaryOnly', 'no @example', 'test/docs/fixtures/exports/values.ts'],
      ['undocumented', 'no TSDoc', 'test/docs/fixtures/exports/values.ts'],
    ]);
  });
});
