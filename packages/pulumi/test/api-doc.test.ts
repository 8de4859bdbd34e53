import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PACKAGE = path.join(__dirname, '..');

test('API.md is what TypeDoc generates from the sources now (run `npm run docs` after changing the public API)', () => {
  // GIVEN the reference generated afresh, with the package's own typedoc.json, somewhere else
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mesh-pulumi-api-'));
  try {
    const typedoc = path.join(path.dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc');
    // WHEN
    const run = spawnSync(process.execPath, [typedoc, '--out', out], { cwd: PACKAGE, encoding: 'utf8' });
    // THEN it generates without a warning (every public symbol has a doc comment: typedoc.json treats warnings
    // as errors), and the committed file is the same
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/warning|error/i);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['API.md']);
    const generated = fs.readFileSync(path.join(out, 'API.md'), 'utf8');
    expect(generated).toMatch(/^### MeshReleaseMocks$/m);
    expect(fs.readFileSync(path.join(PACKAGE, 'API.md'), 'utf8')).toEqual(generated);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
