/**
 * The committed pictures of Bookinfo are what the code draws today: docs/bookinfo-mesh.svg and the Mermaid
 * block of the README (run `npx ts-node --project tsconfig.dev.json scripts/diagram-doc.ts` to rewrite both).
 */
import * as fs from 'fs';
import { BOOKINFO_SVG, README, README_BLOCK, bookinfoPicture } from '../../scripts/diagram-doc';

describe("Bookinfo's picture in the docs", () => {
  const { svg, mermaid } = bookinfoPicture();

  test('docs/bookinfo-mesh.svg is current', () => {
    expect(fs.readFileSync(BOOKINFO_SVG, 'utf-8')).toEqual(svg);
  });

  test("the README's Mermaid block is current", () => {
    const block = README_BLOCK.exec(fs.readFileSync(README, 'utf-8'));
    expect(block).not.toBeNull();
    expect(block![2]).toEqual(mermaid);
  });

  test('the README links the SVG', () => {
    expect(fs.readFileSync(README, 'utf-8')).toContain('(docs/bookinfo-mesh.svg)');
  });
});
