import type { GraphEdgeKind, GraphNode, GraphNodeKind, MeshGraph } from './mesh-graph';

/**
 * A label line for Mermaid, inside double quotes: every character but letters, digits, space and plain
 * punctuation is written as an entity code (`#60;` for `<`), which Mermaid turns back into the character, so
 * that no user string can close the quotes, start markup or a Markdown string, or become a line break.
 *
 * @internal
 */
export function mermaidText(line: string): string {
  return [...line].map(c => (/[A-Za-z0-9 .,:=%*+/()'_-]/.test(c) ? c : `#${c.codePointAt(0)};`)).join('');
}

/**
 * A label for DOT, in double quotes: `\` and `"` escaped, `&` written as `&amp;` (Graphviz reads entities in
 * labels), line breaks (the label's own and any inside a user string) as `\n`, other control characters as
 * spaces.
 *
 * @internal
 */
export function dotText(lines: string[]): string {
  const line = (l: string) => l
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/&/g, '&amp;')
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `"${lines.map(line).join('\\n')}"`;
}

const MERMAID_SHAPES: { [kind in GraphNodeKind]: [string, string] } = {
  service: ['["', '"]'],
  version: ['(["', '"])'],
  gateway: ['{{"', '"}}'],
  external: ['[/"', '"/]'],
  anyone: ['(("', '"))'],
};

const MERMAID_ARROWS: { [kind in GraphEdgeKind]: string } = {
  route: '-->',
  mirror: '-.->',
  access: '-.->',
  ingress: '==>',
  egress: '==>',
};

/**
 * The graph as a Mermaid flowchart (GitHub renders it in a ```mermaid block): the mesh is a subgraph holding
 * one subgraph per namespace; routes are solid arrows, "may call" and mirrors dotted, gateways' routes thick.
 *
 * @internal
 */
export function toMermaid(graph: MeshGraph): string {
  const out = ['%% The picture of a cdk8s-mesh mesh, written by MeshDiagram.', 'flowchart LR'];
  const label = (lines: string[]) => lines.map(mermaidText).join('<br>');
  const node = (n: GraphNode, indent: string) => {
    const [open, close] = MERMAID_SHAPES[n.kind];
    out.push(`${indent}${n.id}${open}${label(n.label)}${close}`);
  };
  out.push(`  subgraph mesh["${label(graph.meshLabel)}"]`);
  for (const ns of graph.namespaces) {
    out.push(`    subgraph ${ns.id}["${label(ns.label)}"]`);
    ns.nodes.forEach(n => node(n, '      '));
    out.push('    end');
  }
  out.push('  end');
  graph.outside.forEach(n => node(n, '  '));
  for (const e of graph.edges) {
    const arrow = MERMAID_ARROWS[e.kind];
    out.push(e.label.length > 0 ? `  ${e.from} ${arrow}|"${label(e.label)}"| ${e.to}` : `  ${e.from} ${arrow} ${e.to}`);
  }
  return `${out.join('\n')}\n`;
}

const DOT_SHAPES: { [kind in GraphNodeKind]: string } = {
  service: 'shape=box, style="rounded,bold"',
  version: 'shape=box, style=rounded',
  gateway: 'shape=hexagon',
  external: 'shape=parallelogram',
  anyone: 'shape=circle',
};

const DOT_EDGES: { [kind in GraphEdgeKind]: string } = {
  route: 'color="#1f5fa8", fontcolor="#1f5fa8"',
  mirror: 'style=dashed, color="#1f5fa8", fontcolor="#1f5fa8"',
  access: 'style=dashed, color="#2e7d32", fontcolor="#2e7d32"',
  ingress: 'penwidth=2',
  egress: 'penwidth=2',
};

/**
 * The graph in Graphviz DOT: the mesh is a cluster holding one cluster per namespace; routes are blue, "may
 * call" green and dashed, gateways' routes thick.
 *
 * @internal
 */
export function toDot(graph: MeshGraph): string {
  const font = 'fontname="Helvetica,Arial,sans-serif"';
  const out = [
    '// The picture of a cdk8s-mesh mesh, written by MeshDiagram.',
    'digraph mesh {',
    `  graph [rankdir=LR, ${font}, fontsize=12];`,
    `  node [${font}, fontsize=11];`,
    `  edge [${font}, fontsize=9];`,
    '  subgraph cluster_mesh {',
    `    label=${dotText(graph.meshLabel)};`,
    '    style=rounded;',
  ];
  const node = (n: GraphNode, indent: string) => out.push(`${indent}${n.id} [label=${dotText(n.label)}, ${DOT_SHAPES[n.kind]}];`);
  for (const ns of graph.namespaces) {
    out.push(`    subgraph cluster_${ns.id} {`, `      label=${dotText(ns.label)};`, '      style=dashed;');
    ns.nodes.forEach(n => node(n, '      '));
    out.push('    }');
  }
  out.push('  }');
  graph.outside.forEach(n => node(n, '  '));
  for (const e of graph.edges) {
    out.push(`  ${e.from} -> ${e.to} [${e.label.length > 0 ? `label=${dotText(e.label)}, ` : ''}${DOT_EDGES[e.kind]}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
