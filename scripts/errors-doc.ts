/**
 * Writes docs/errors.md from the catalogue of codes (src/analysis/codes.ts):
 *
 *   npx projen errors:doc
 *
 * test/analysis/codes.test.ts fails when docs/errors.md differs from what this renders.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CODES } from '../src/analysis/codes';

export const ERRORS_DOC = path.join(__dirname, '..', 'docs', 'errors.md');

const INTRO = `<!-- Generated from src/analysis/codes.ts by \`npx projen errors:doc\`: do not edit by hand. -->

# Error codes

Every problem cdk8s-mesh reports carries a stable code. A code never changes meaning and is never reused: a
check that goes away leaves its number retired.

- **Errors** fail synthesis. A construct records its problems and \`cdk8s synth\` (or \`app.synth()\`) reports
  every problem of the program in one run, each behind its construct path, which cdk8s prints once:
  \`[shop/web] [MESHnnnn] <what is wrong>: <the fix>\`. Checks that need the whole mesh (marked "analysis" below) run
  then too, whatever order the program created things in. Values that have no construct
  (\`Timeout.of\`, \`TrafficTarget.version\`) throw when they are created, naming the factory:
  \`[MESHnnnn] TrafficTarget.version: ...\`.
- **Warnings** (marked "warning" below) are legal but almost surely not what was meant. Synthesis prints each
  to stderr, once, as \`warning: [MESHnnnn] shop/web: ...\`; with the Mesh's \`failOnWarnings\` they fail it
  (for CI). \`mesh.analyze()\` returns errors and warnings without synthesizing.

The hundred a code is in names its area: 00xx names, services and their options; 01xx traffic; 02xx security;
03xx whole-mesh analysis of policies; 04xx telemetry; 05xx the Pulumi adapter (cdk8s-mesh-pulumi); 06xx the tools for users' tests and pictures (\`MeshTesting\`, \`MeshDiagram\`); 07xx adopting an existing Istio, the Gateway API, and applying the output (\`ApplyScript\`, Argo CD sync waves); 08xx traffic management beyond the basics (matches and route actions, retries and mirrors, DestinationRules, TCP and TLS routes, exportTo); 09xx the escape hatch (\`Overrides\`, JSON patches checked against the CRD schemas); 10xx identity and access (callers, conditions and actions of access policies, JWT and external authorizers, \`MeshTesting\`'s access evaluation, client TLS and TLS origination, egress for named callers); 11xx TLS at the ingress and mTLS migration.
`;

/** Markdown text in a table cell: characters that would start markup, or end the cell, are escaped. */
function text(value: string): string {
  return value.replace(/[\\`*_<>|[\]]/g, c => `\\${c}`);
}

/** A code span in a table cell: GitHub splits cells before parsing code spans, so '|' is escaped there too. */
function code(value: string): string {
  const fence = value.includes('`') ? '``' : '`';
  const padding = value.includes('`') ? ' ' : '';
  return `${fence}${padding}${value.replace(/\|/g, '\\|')}${padding}${fence}`;
}

/**
 * The whole of docs/errors.md: the intro, then one row per code, sorted by code.
 */
export function renderErrorsDoc(): string {
  const rows = Object.entries(CODES)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, entry]) => `| ${key} | ${text(entry.meaning)} | ${code(entry.example)} | ${text(entry.fix)} |`);
  // Retired codes keep their row (with what they meant), so that nobody gives the number another meaning.
  return [INTRO, '| Code | Meaning | Example message | Fix |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(ERRORS_DOC), { recursive: true });
  fs.writeFileSync(ERRORS_DOC, renderErrorsDoc());
  console.log(`${path.relative(process.cwd(), ERRORS_DOC)}: ${Object.keys(CODES).length} codes`);
}
