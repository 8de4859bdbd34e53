// dotparser ships no types: the part of its syntax tree the tests read.
declare module 'dotparser' {
  interface DotAttr { readonly type: 'attr'; readonly id: string; readonly eq: string }
  interface DotNodeId { readonly type: 'node_id'; readonly id: string }
  interface DotStatement {
    readonly type: 'node_stmt' | 'edge_stmt' | 'attr_stmt' | 'subgraph' | 'attr';
    readonly id?: string;
    readonly eq?: string;
    readonly node_id?: DotNodeId;
    readonly edge_list?: DotNodeId[];
    readonly attr_list?: DotAttr[];
    readonly children?: DotStatement[];
  }
  interface DotGraph { readonly type: 'graph' | 'digraph'; readonly id?: string; readonly children: DotStatement[] }
  function parse(source: string): DotGraph[];
  namespace parse {
    export { DotAttr, DotNodeId, DotStatement, DotGraph };
  }
  export = parse;
}
