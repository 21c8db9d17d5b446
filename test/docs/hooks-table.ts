/**
 * The README's hook table, generated from core/src/hooks.ts (the one place the hook contract
 * is written): each entry of `createHooks()` gives its name, tapable class, arguments (names
 * from the constructor, types from the type arguments), result, and its TSDoc as the
 * contract. `npx tsx test/docs/hooks-table.ts --write` rewrites the table between the
 * README's markers; hooks-table.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HOOKS_FILE = path.join(ROOT, 'core/src/hooks.ts');
export const README = path.join(ROOT, 'README.md');
export const START = '<!-- hooks:start (generated from core/src/hooks.ts by `npm run docs:hooks`) -->';
export const END = '<!-- hooks:end -->';

interface HookRow {
  name: string;
  cls: string;
  args: string;
  result: string;
  contract: string;
}

function rowsOf(source: string): HookRow[] {
  const file = ts.createSourceFile(HOOKS_FILE, source, ts.ScriptTarget.Latest, true);
  const rows: HookRow[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isNewExpression(node.initializer) && ts.isIdentifier(node.initializer.expression)) {
      const init = node.initializer;
      const cls = (init.expression as ts.Identifier).text;
      const [tuple, bailResult] = init.typeArguments ?? [];
      const types = tuple && ts.isTupleTypeNode(tuple) ? tuple.elements.map((t) => t.getText(file)) : [];
      const namesNode = init.arguments?.[0];
      const names = namesNode && ts.isArrayLiteralExpression(namesNode) ? namesNode.elements.map((e) => (e as ts.StringLiteral).text) : [];
      const args = names.map((n, i) => `${n}: ${types[i] ?? 'unknown'}`).join(', ');
      let result = '—';
      if (cls.includes('Bail') && bailResult) result = bailResult.getText(file);
      else if (cls.includes('Waterfall')) result = types[0] ?? 'unknown'; // the new value of the first argument
      const doc = ts
        .getJSDocCommentsAndTags(node)
        .filter(ts.isJSDoc)
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
        .join(' ');
      rows.push({ name: (node.name as ts.Identifier).text, cls, args, result, contract: doc.replace(/\s+/g, ' ').trim() });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return rows;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * The markdown table of the hooks declared in `source` (core/src/hooks.ts by default).
 *
 * @example
 * ```ts
 * const table = hooksTable(); // '| hook | tapable class | ...'
 * ```
 */
export function hooksTable(source = readFileSync(HOOKS_FILE, 'utf8')): string {
  const lines = ['| hook | tapable class | arguments | result | contract |', '|---|---|---|---|---|'];
  for (const r of rowsOf(source)) lines.push(`| \`${r.name}\` | ${r.cls} | \`${cell(r.args)}\` | ${r.result === '—' ? '—' : `\`${cell(r.result)}\``} | ${cell(r.contract)} |`);
  return lines.join('\n');
}

/**
 * The README with its hook table (between the markers) replaced by a fresh one.
 *
 * @example
 * ```ts
 * writeFileSync(README, withHooksTable(readFileSync(README, 'utf8')));
 * ```
 */
export function withHooksTable(readme: string, table = hooksTable()): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no hook table markers (${START} ... ${END})`);
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

if (process.argv.includes('--write')) {
  writeFileSync(README, withHooksTable(readFileSync(README, 'utf8')));
  console.log('README.md: hook table regenerated from core/src/hooks.ts');
}
