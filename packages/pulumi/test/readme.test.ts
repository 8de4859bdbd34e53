import * as fs from 'fs';
import * as path from 'path';

const PACKAGE = path.join(__dirname, '..');

/** The fenced `ts` blocks of one `## ` section of the package's README. */
function snippets(section: string): string[] {
  const readme = fs.readFileSync(path.join(PACKAGE, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map(m => m[1]);
}

test('the README\'s "Testing a MeshRelease" jest file is test/readme-recipe.test.ts, which this suite runs', () => {
  // The recipe is proven by running it: it is that test file, character for character, so it compiles
  // (tsconfig.dev.json), passes (jest runs every test/*.test.ts) and cannot drift from what the README shows.
  const recipes = snippets('Testing a MeshRelease').filter(s => s.includes('describe('));
  expect(recipes).toHaveLength(1);
  expect(recipes[0]).toEqual(fs.readFileSync(path.join(__dirname, 'readme-recipe.test.ts'), 'utf8'));
});

test('the recipe imports the packages by the names a user installs, and uses the testing helpers', () => {
  const [recipe] = snippets('Testing a MeshRelease').filter(s => s.includes('describe('));
  expect(recipe).toMatch(/^import \{ [^}]*\bMeshReleaseMocks\b[^}]*\} from 'cdk8s-mesh-pulumi';$/m);
  expect(recipe).toMatch(/^import \{ [^}]*\} from 'cdk8s-mesh';$/m);
  expect(recipe).not.toMatch(/from '\.{1,2}\//);
  expect(recipe).toContain('MeshReleaseMocks.install(');
  expect(recipe).toContain('outputOf(');
});
