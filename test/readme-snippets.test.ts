/**
 * Every TypeScript snippet of the READMEs type-checks against the library's public API, as a user would paste it:
 * `cdk8s-mesh` and `cdk8s-mesh-pulumi` resolve to this repository's sources. A fragment (no imports of its own)
 * gets the packages' exports imported for it, and the few names the READMEs use for "your mesh" (`mesh`,
 * `app`, `web`, `reviews`, ...) are declared for it unless it declares them itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as ts from 'typescript';
import * as library from '../src';

const ROOT = path.join(__dirname, '..');
const READMES = ['README.md', 'packages/pulumi/README.md'];

/** The ```ts blocks of a markdown file, with the line each starts on. */
function snippets(file: string): Array<{ name: string; code: string }> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
  const found: Array<{ name: string; code: string }> = [];
  const fence = /^```(?:ts|typescript)\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    found.push({ name: `${file}:${text.slice(0, m.index).split('\n').length}`, code: m[1] });
  }
  return found;
}

/** What a fragment may use without declaring it: "your" mesh and services, as the README's prose names them. */
const CONTEXT: Record<string, string> = {
  app: "import('cdk8s').App",
  mesh: '__mesh.Mesh',
  web: '__mesh.MeshService',
  reviews: '__mesh.MeshService',
  ratings: '__mesh.MeshService',
  productpage: '__mesh.MeshService',
  api: '__mesh.MeshService',
  payments: '__mesh.MeshService',
  frontend: '__mesh.MeshService',
  gateway: '__mesh.IngressGateway',
  release: "import('cdk8s-mesh-pulumi').MeshRelease",
  serviceApiObject: "import('cdk8s').ApiObject",
};

/** Bookinfo, as the READMEs use it: the example's own class. */
const BOOKINFO = path.join(ROOT, 'examples', 'bookinfo', 'mesh');

/** The names a declaration binds: `x`, or every name of a destructuring pattern. */
function bound(name: ts.BindingName): string[] {
  return ts.isIdentifier(name) ? [name.text] : name.elements.flatMap(e => ts.isOmittedExpression(e) ? [] : bound(e.name));
}

function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const bindings = statement.importClause?.namedBindings;
      if (statement.importClause?.name) names.add(statement.importClause.name.text);
      if (bindings && ts.isNamedImports(bindings)) bindings.elements.forEach(e => names.add(e.name.text));
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    } else if (ts.isVariableStatement(statement)) {
      statement.declarationList.declarations.forEach(d => bound(d.name).forEach(n => names.add(n)));
    } else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** The snippet as a module: a fragment gets imports and the context it refers to. */
function asModule(code: string): string {
  const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2022, true);
  const declared = declaredNames(source);
  const lines: string[] = [];
  const hasImports = source.statements.some(ts.isImportDeclaration);
  if (!hasImports) {
    const fromLibrary = Object.keys(library).filter(n => !declared.has(n));
    const fromCdk8s = ['App', 'Chart', 'Duration', 'Size'].filter(n => n in cdk8s && !declared.has(n));
    lines.push(`import { ${fromLibrary.join(', ')} } from 'cdk8s-mesh';`, `import { ${fromCdk8s.join(', ')} } from 'cdk8s';`);
    if (!declared.has('Cpu')) lines.push("import { Cpu } from 'cdk8s-plus-27';");
    if (/\bk8s\./.test(code) && !declared.has('k8s')) lines.push("import * as k8s from '@pulumi/kubernetes';");
    fromLibrary.forEach(n => declared.add(n));
    fromCdk8s.forEach(n => declared.add(n));
  }
  const missing = Object.entries(CONTEXT).filter(([name]) => !declared.has(name) && new RegExp(`\\b${name}\\b`).test(code));
  if (missing.length > 0) {
    lines.push("import type * as __mesh from 'cdk8s-mesh';");
    missing.forEach(([name, type]) => lines.push(`declare const ${name}: ${type};`));
  }
  if (/\bBookinfo\b/.test(code) && !declared.has('Bookinfo')) {
    lines.push(`import { Bookinfo } from ${JSON.stringify(BOOKINFO)};`);
  }
  // The snippet's own lines keep their numbers after a one-line preamble.
  return `${lines.join(' ')}\n${code}\nexport {};\n`;
}

const all = READMES.flatMap(snippets);

test('the READMEs have TypeScript snippets', () => {
  expect(all.length).toBeGreaterThanOrEqual(9);
});

test('every TypeScript snippet of the READMEs type-checks against the public API', () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.dev.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    allowUnusedLabels: true,
    paths: { 'cdk8s-mesh': ['./src/index.ts'], 'cdk8s-mesh-pulumi': ['./packages/pulumi/src/index.ts'] },
    baseUrl: ROOT,
  };
  const dir = path.join(ROOT, '.readme-snippets');
  const files = new Map(all.map((s, i) => [path.join(dir, `snippet-${i}.ts`), { ...s, text: asModule(s.code) }]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version, ...rest) => files.has(path.resolve(name))
    ? ts.createSourceFile(name, files.get(path.resolve(name))!.text, version)
    : getSourceFile.call(host, name, version, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = name => files.has(path.resolve(name)) || fileExists.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host);
  const problems = [...files.entries()].flatMap(([file, snippet]) => {
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(d => {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
      return `${snippet.name} (+${line - 1}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  });
  expect(problems).toEqual([]);
}, 120_000);
