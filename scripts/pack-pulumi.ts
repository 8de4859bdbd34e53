/**
 * Packs the Pulumi adapter (packages/pulumi) into dist/js at the library's own version, so both npm packages of a
 * release carry one version and the adapter's peer dependency names the library it was built and tested with.
 * The package.json in the tree is left as it was.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
// The adapter's JavaScript, compiled here too: the release's npm job packs from a fresh checkout.
execFileSync('npx', ['tsc', '-p', 'packages/pulumi/tsconfig.json'], { cwd: root, stdio: 'inherit' });
const version: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const manifest = path.join(root, 'packages', 'pulumi', 'package.json');
const original = fs.readFileSync(manifest, 'utf8');
const pkg = JSON.parse(original);
pkg.version = version;
// A local build (0.0.0, before any release) accepts whatever library sits beside it.
pkg.peerDependencies['cdk8s-mesh'] = version === '0.0.0' ? '*' : `^${version}`;
fs.writeFileSync(manifest, `${JSON.stringify(pkg, undefined, 2)}\n`);
try {
  fs.mkdirSync(path.join(root, 'dist', 'js'), { recursive: true });
  execFileSync('npm', ['pack', '--workspace=cdk8s-mesh-pulumi', '--pack-destination', 'dist/js'], { cwd: root, stdio: 'inherit' });
} finally {
  fs.writeFileSync(manifest, original);
}
