/**
 * The hook contract is written once, in core/src/hooks.ts: the README's table must be what
 * the generator makes of it, and the guards must read bail/observer kinds off the classes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHooks, hookKind } from '../../core/src/hooks.js';
import { hooksTable, HOOKS_FILE, README, withHooksTable } from './hooks-table.js';

describe('the hook table, written once', () => {
  it('the README table is the one generated from core/src/hooks.ts (run `npm run docs:hooks` after changing a hook)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(withHooksTable(readme)).toBe(readme);
  });

  it('has a row per hook of createHooks(), with its class and a contract', () => {
    const hooks = createHooks();
    const rows = hooksTable().split('\n').slice(2);
    expect(rows.map((r) => /^\| `(\w+)`/.exec(r)![1])).toEqual(Object.keys(hooks));
    for (const row of rows) expect(row.split(' | ')[4]!.length).toBeGreaterThan(20);
    expect(rows.find((r) => r.startsWith('| `preCall`'))).toContain('AsyncSeriesBailHook');
  });

  it('a change to a hook declaration changes the table (the test above would then fail)', () => {
    const source = readFileSync(HOOKS_FILE, 'utf8').replace('Observers of every finished call', 'Watchers of every finished call');
    expect(hooksTable(source)).toContain('Watchers of every finished call');
    expect(hooksTable(source)).not.toBe(hooksTable());
  });

  it('bail and observer hooks come from their tapable class', () => {
    const hooks = createHooks();
    const kinds = Object.fromEntries(Object.entries(hooks).map(([k, h]) => [k, hookKind(h)]));
    expect(kinds).toEqual({
      authenticate: 'bail', preCall: 'bail', transform: 'waterfall', candidates: 'waterfall', chunk: 'waterfall',
      postCall: 'waterfall', cost: 'observer', record: 'observer', log: 'observer', ready: 'series', close: 'series',
    });
  });
});
