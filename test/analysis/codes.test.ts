import * as fs from 'fs';
import * as path from 'path';
import { ERRORS_DOC, renderErrorsDoc } from '../../scripts/errors-doc';
import { CODES } from '../../src/analysis/codes';

const ROOT = path.join(__dirname, '..', '..');
const CATALOGUE = path.join(ROOT, 'src', 'analysis', 'codes.ts');

/** The TypeScript sources that report codes: the library (not its generated bindings) and the Pulumi adapter. */
function sources(): string[] {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return file === path.join(ROOT, 'src', 'imports') ? [] : walk(file);
    }
    return entry.name.endsWith('.ts') && file !== CATALOGUE ? [file] : [];
  });
  return [...walk(path.join(ROOT, 'src')), ...walk(path.join(ROOT, 'packages', 'pulumi', 'src'))];
}

function occurrences(pattern: RegExp): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources()) {
    for (const match of fs.readFileSync(file, 'utf-8').matchAll(pattern)) {
      found.set(match[1], [...found.get(match[1]) ?? [], path.relative(ROOT, file)]);
    }
  }
  return found;
}

const codes = Object.keys(CODES);
const retired = Object.entries(CODES).filter(([, entry]) => 'retired' in entry && entry.retired).map(([code]) => code);

describe('the catalogue of codes', () => {
  test('docs/errors.md is what scripts/errors-doc.ts renders from the catalogue (run `npx projen errors:doc`)', () => {
    expect(fs.readFileSync(ERRORS_DOC, 'utf-8')).toEqual(renderErrorsDoc());
  });

  test('every code in src/ and packages/pulumi/src is in the catalogue', () => {
    const unknown = [...occurrences(/(MESH\d{4})/g)].filter(([code]) => !codes.includes(code));
    expect(unknown).toEqual([]);
  });

  test('every code of the catalogue is reported somewhere, except the retired ones, which nothing reports', () => {
    const used = occurrences(/['"](MESH\d{4})['"]/g);
    expect(codes.filter(code => !retired.includes(code) && !used.has(code))).toEqual([]);
    expect(retired.filter(code => used.has(code))).toEqual([]);
    expect(retired).toEqual(['MESH0037', 'MESH0210']);
  });

  test('the catalogue is sorted by code', () => {
    expect(codes).toEqual([...codes].sort());
  });

  test.each(codes)('%s has a one-line meaning, a fix and an example message that carries it', code => {
    const entry = CODES[code as keyof typeof CODES];
    // A construct's problem is printed behind its path ('[shop/web] [MESH0012] ...'), a factory's names the factory.
    expect(entry.example).toMatch(new RegExp(`^(\\[[^\\]]+\\] )?\\[${code}\\] `));
    for (const value of [entry.meaning, entry.fix, entry.example]) {
      expect(value).not.toMatch(/\n/);
      expect(value.trim()).not.toEqual('');
    }
  });

  test('docs/errors.md has one row per code, and names each code in its own row only', () => {
    const doc = fs.readFileSync(ERRORS_DOC, 'utf-8');
    const rows = doc.split('\n').filter(line => /^\| MESH\d{4} \|/.test(line));
    expect(rows.map(row => row.slice(2, 10))).toEqual(codes);
    for (const code of codes) {
      const mentions = doc.split('\n').filter(line => line.includes(code));
      expect(mentions).toEqual([rows[codes.indexOf(code)]]);
    }
  });
});
