/**
 * Loaded with `-r` before an example: `import ... from 'cdk8s-mesh'` resolves to this repository's sources, so the
 * examples synthesize on a fresh clone before the library is compiled (test/starter.test.ts runs the starter
 * against the compiled package, as an application installs it).
 */
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const SOURCES = path.join(__dirname, '..', 'src', 'index.ts');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'cdk8s-mesh' ? SOURCES : resolve.call(this, request, ...rest);
};
