/**
 * Every name the public entry points export, followed to the file that declares it, with
 * whether its TSDoc has a summary and an `@example` (the house rule for public exports).
 * `npx tsx test/docs/exports.ts` prints what is missing; exports.test.ts fails on it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The entry points whose exports are the public surface: the core and every library (lib/*). */
export const ENTRY_POINTS = ['core/src/index.ts', ...readdirSync(path.join(ROOT, 'lib'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `lib/${d.name}/src/index.ts`).sort()];

/** One exported declaration whose TSDoc falls short. */
export interface DocMiss {
  /** The exported name. */
  name: string;
  /** The entry point that exports it (relative to `root`). */
  entry: string;
  /** `path:line` of the declaration (relative to `root`). */
  at: string;
  reason: 'no TSDoc' | 'no @example';
}

/** What the walk saw: every checked export and the ones that fall short. */
export interface DocReport {
  checked: { name: string; entry: string; at: string }[];
  misses: DocMiss[];
}

const CHECKED = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
]);

function docOf(decl: ts.Declaration): { summary: boolean; example: boolean } | undefined {
  const docs = ts.getJSDocCommentsAndTags(decl).filter(ts.isJSDoc);
  if (docs.length === 0) return undefined;
  const summary = docs.some((d) => (ts.getTextOfJSDocComment(d.comment) ?? '').trim().length > 0);
  const example = docs.some((d) => (d.tags ?? []).some((t) => t.tagName.text === 'example' && (ts.getTextOfJSDocComment(t.comment) ?? '').trim().length > 0));
  return { summary, example };
}

/**
 * Walks the exports of `entries` (paths relative to `root`) with the compiler's own module
 * resolution, so `export {..} from`, `export type {..} from` and `export type * from` all
 * lead to the declaring file; declarations under node_modules (e.g. zod's `z`) are skipped.
 *
 * @example
 * ```ts
 * const { misses } = checkExportDocs();
 * for (const m of misses) console.log(`${m.name}  ${m.at}  ${m.reason}`);
 * ```
 */
export function checkExportDocs(entries: string[] = ENTRY_POINTS, root = ROOT): DocReport {
  const files = entries.map((e) => path.join(root, e));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    customConditions: ['@switchyard/source'],
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const report: DocReport = { checked: [], misses: [] };
  const seen = new Set<string>(); // a name two entry points export is reported once
  for (const [i, file] of files.entries()) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`entry point not found: ${file}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue; // a file with no exports
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = (symbol.declarations ?? []).filter((d) => CHECKED.has(d.kind) && !d.getSourceFile().fileName.includes('/node_modules/'));
      if (decls.length === 0) continue; // third-party, or not a kind of declaration we check
      const first = decls[0]!;
      const sf = first.getSourceFile();
      const at = `${rel(sf.fileName)}:${sf.getLineAndCharacterOfPosition(first.getStart(sf)).line + 1}`;
      const entry = entries[i]!;
      if (seen.has(`${exported.name}@${at}`)) continue;
      seen.add(`${exported.name}@${at}`);
      report.checked.push({ name: exported.name, entry, at });
      // declaration merging (module augmentation of a service map) counts if any part is documented
      const docs = decls.map(docOf);
      if (docs.some((d) => d?.summary && d.example)) continue;
      const reason = docs.some((d) => d?.summary) ? 'no @example' : 'no TSDoc';
      report.misses.push({ name: exported.name, entry, at, reason });
    }
  }
  return report;
}

/**
 * One line per miss, aligned, for a test failure or the console.
 *
 * @example
 * ```ts
 * console.log(formatMisses(checkExportDocs().misses));
 * ```
 */
export function formatMisses(misses: DocMiss[]): string {
  const width = Math.max(0, ...misses.map((m) => m.name.length));
  return misses.map((m) => `  ${m.name.padEnd(width)}  ${m.reason.padEnd(11)}  ${m.at}  (exported by ${m.entry})`).join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { checked, misses } = checkExportDocs();
  console.log(misses.length === 0 ? `all ${checked.length} exports documented` : `${misses.length} of ${checked.length} exports need TSDoc with an @example:\n${formatMisses(misses)}`);
  process.exitCode = misses.length === 0 ? 0 : 1;
}
