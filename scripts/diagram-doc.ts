/**
 * Writes the picture of the Bookinfo example: docs/bookinfo-mesh.svg, and the Mermaid text in the README's
 * "A picture of the mesh" section.
 *
 *   npx ts-node --project tsconfig.dev.json scripts/diagram-doc.ts
 *
 * test/diagram/docs.test.ts fails when either differs from what this writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { Bookinfo } from '../examples/bookinfo/mesh';
import { MeshDiagram } from '../src';

export const BOOKINFO_SVG = path.join(__dirname, '..', 'docs', 'bookinfo-mesh.svg');
export const README = path.join(__dirname, '..', 'README.md');

/** The README's Mermaid block of Bookinfo: the first ```mermaid block after the section's heading. */
export const README_BLOCK = /(## A picture of the mesh\n[\s\S]*?```mermaid\n)([\s\S]*?)(```)/;

/** The Bookinfo example's picture, as SVG and as Mermaid text. */
export function bookinfoPicture(): { svg: string; mermaid: string } {
  const bookinfo = new Bookinfo(Testing.app(), 'bookinfo');
  return { svg: MeshDiagram.svg(bookinfo), mermaid: MeshDiagram.mermaid(bookinfo) };
}

if (require.main === module) {
  const { svg, mermaid } = bookinfoPicture();
  fs.writeFileSync(BOOKINFO_SVG, svg);
  const readme = fs.readFileSync(README, 'utf-8');
  if (!README_BLOCK.test(readme)) {
    throw new Error('README.md has no ```mermaid block in its "## A picture of the mesh" section');
  }
  fs.writeFileSync(README, readme.replace(README_BLOCK, (_, head: string, __: string, tail: string) => `${head}${mermaid}${tail}`));
  console.log(`wrote ${path.relative(process.cwd(), BOOKINFO_SVG)} and the Mermaid block of README.md`);
}
