import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** A module graph of `src/`: each file and the files it imports. */
export interface ImportGraph {
  /** Every import, type-only ones included (what the type checker needs to load a file). */
  readonly all: Map<string, string[]>;
  /** Only what the compiled JavaScript requires at run time (type-only imports are erased). */
  readonly runtime: Map<string, string[]>;
}

/**
 * Reads every `.ts` file below `root` (except `skip` folders) and resolves its relative imports.
 */
export function importGraph(root: string, skip: string[] = []): ImportGraph {
  const files = listFiles(root, skip);
  const all = new Map<string, string[]>();
  const runtime = new Map<string, string[]>();
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    const key = path.relative(root, file);
    all.set(key, resolveAll(root, file, importedSpecifiers(source)));
    // TypeScript erases imports used only as types, as the build does: what is left is what Node loads.
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    runtime.set(key, resolveAll(root, file, [...js.matchAll(/require\("([^"]+)"\)/g)].map(m => m[1])));
  }
  return { all, runtime };
}

/**
 * The strongly connected components of a graph with more than one file (its import cycles), largest first.
 */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const components: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) {
        components.push(component.sort());
      }
    }
  };
  for (const v of [...graph.keys()].sort()) {
    if (!indices.has(v)) {
      visit(v);
    }
  }
  return components.sort((a, b) => b.length - a.length);
}

function importedSpecifiers(source: string): string[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2020, false);
  const specifiers: string[] = [];
  for (const statement of sf.statements) {
    const isImport = ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement);
    if (isImport && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

function resolveAll(root: string, from: string, specifiers: string[]): string[] {
  const resolved = new Set<string>();
  for (const spec of specifiers.filter(s => s.startsWith('.'))) {
    const base = path.resolve(path.dirname(from), spec);
    const file = [`${base}.ts`, path.join(base, 'index.ts')].find(f => fs.existsSync(f));
    if (file) {
      resolved.add(path.relative(root, file));
    }
  }
  return [...resolved].sort();
}

function listFiles(dir: string, skip: string[]): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return skip.includes(entry.name) ? [] : listFiles(full, skip);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}
