import parse from 'dotparser';

/** A node of a parsed DOT graph: its id, its label and the clusters it is in (outermost first). */
export interface DotNode {
  readonly id: string;
  readonly label: string;
  readonly clusters: string[];
  readonly attrs: { [name: string]: string };
}

/** An edge of a parsed DOT graph. */
export interface DotEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly attrs: { [name: string]: string };
}

/** What a DOT text holds, read by dotparser (a parser of its own, not ours): nodes, edges and cluster labels. */
export function readDot(text: string): { nodes: DotNode[]; edges: DotEdge[]; clusterLabels: { [id: string]: string } } {
  const graphs = parse(text);
  expect(graphs).toHaveLength(1);
  expect(graphs[0].type).toEqual('digraph');
  const nodes: DotNode[] = [];
  const edges: DotEdge[] = [];
  const clusterLabels: { [id: string]: string } = {};
  const attrsOf = (list: { id: string; eq: string }[] | undefined) => Object.fromEntries((list ?? []).map(a => [a.id, a.eq]));
  const walk = (statements: parse.DotStatement[], clusters: string[]) => {
    for (const s of statements) {
      if (s.type === 'node_stmt') {
        const attrs = attrsOf(s.attr_list);
        nodes.push({ id: s.node_id!.id, label: attrs.label, clusters, attrs });
      } else if (s.type === 'edge_stmt') {
        const attrs = attrsOf(s.attr_list);
        expect(s.edge_list).toHaveLength(2);
        edges.push({ from: s.edge_list![0].id, to: s.edge_list![1].id, label: attrs.label, attrs });
      } else if (s.type === 'subgraph') {
        const label = (s.children ?? []).find(c => c.type === 'attr' && c.id === 'label')?.eq
          ?? attrsOf((s.children ?? []).find(c => c.type === 'attr_stmt' && c.attr_list?.some(a => a.id === 'label'))?.attr_list).label;
        clusterLabels[s.id!] = label;
        walk(s.children ?? [], [...clusters, s.id!]);
      }
    }
  };
  walk(graphs[0].children, []);
  return { nodes, edges, clusterLabels };
}

const ENTITY = /^&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

/**
 * Problems that make `text` not well-formed XML (empty when it is): one root element, every tag closed in
 * order, attributes quoted, '<' and '&' only as markup and entity references, comments without '--'.
 */
export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const textUntil = (end: number) => {
    const chunk = text.slice(i, end);
    for (let j = chunk.indexOf('&'); j !== -1; j = chunk.indexOf('&', j + 1)) {
      if (!ENTITY.test(chunk.slice(j))) {
        problems.push(`bare '&' at ${i + j}: ${chunk.slice(j, j + 12)}`);
      }
    }
    if (stack.length === 0 && chunk.trim() !== '') {
      problems.push(`text outside the root element at ${i}`);
    }
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      textUntil(text.length);
      break;
    }
    textUntil(lt);
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1 || text.slice(i + 4, end).includes('--')) {
        problems.push(`bad comment at ${i}`);
      }
      i = end === -1 ? text.length : end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      i = end === -1 ? text.length : end + 2;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      const end = text.indexOf('>', i);
      i = end === -1 ? text.length : end + 1;
    } else {
      const tag = /^<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(text.slice(i));
      if (!tag) {
        problems.push(`malformed tag at ${i}: ${text.slice(i, i + 40)}`);
        break;
      }
      const [whole, closing, name, attrs, selfClosing] = tag;
      for (const [, value] of attrs.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (value && /&(?!(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/.test(value)) {
          problems.push(`bare '&' in an attribute of <${name}>`);
        }
      }
      if (closing) {
        const open = stack.pop();
        if (open !== name) {
          problems.push(`</${name}> closes <${open}>`);
        }
      } else if (!selfClosing) {
        if (stack.length === 0) {
          roots++;
        }
        stack.push(name);
      } else if (stack.length === 0) {
        roots++;
      }
      i += whole.length;
    }
  }
  if (stack.length > 0) {
    problems.push(`unclosed: ${stack.join(', ')}`);
  }
  if (roots !== 1) {
    problems.push(`${roots} root elements`);
  }
  return problems;
}

/** The text content of an SVG's <text> elements, entities decoded. */
export function svgTexts(svg: string): string[] {
  const decode = (s: string) => s.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    const named: { [k: string]: string } = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    return named[e] ?? String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(m => decode(m[1]));
}
