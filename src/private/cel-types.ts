/**
 * The type of a CEL expression's result, where its form tells it, for Envoy's access-log filter: Envoy logs a
 * request only when the filter evaluates to `true`, and a result of another type (an int, a string) logs
 * nothing, silently. Envoy does not type-check the expression when it loads it.
 *
 * Only what is certain is typed: literals, operators, the standard functions, and Envoy's request attributes
 * whose type its documentation gives. Anything else (a map lookup, a custom function, a variable) is unknown
 * and accepted.
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/advanced/attributes
 */

/** A CEL type name, as CEL's `type()` prints it; `non-boolean` for a result known only not to be a bool. */
export type CelTypeName = 'bool' | 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'null_type' | 'list' | 'map'
| 'google.protobuf.Timestamp' | 'google.protobuf.Duration' | 'non-boolean';

// Envoy's attributes (arch_overview/advanced/attributes) whose type is not a map, by type.
const ATTRIBUTE_TYPES: [CelTypeName, string[]][] = [
  ['string', ['request.path', 'request.url_path', 'request.host', 'request.scheme', 'request.method', 'request.referer', 'request.useragent',
    'request.id', 'request.protocol', 'request.query', 'response.code_details', 'source.address', 'destination.address',
    'connection.requested_server_name', 'connection.tls_version', 'connection.termination_details', 'upstream.address', 'upstream.tls_version']],
  ['int', ['request.size', 'request.total_size', 'response.code', 'response.flags', 'response.grpc_status', 'response.size',
    'response.total_size', 'source.port', 'destination.port', 'upstream.port']],
  ['uint', ['connection.id']],
  ['bool', ['connection.mtls']],
  ['google.protobuf.Timestamp', ['request.time']],
  ['google.protobuf.Duration', ['request.duration', 'response.backend_latency']],
];
const ATTRIBUTES = new Map(ATTRIBUTE_TYPES.flatMap(([type, names]) => names.map(name => [name, type] as const)));

const BOOLEAN_FUNCTIONS = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_', '!_', '@in', '@not_strictly_false',
  'startsWith', 'endsWith', 'contains', 'matches', 'exists', 'all', 'exists_one']);
const ARITHMETIC = new Set(['_+_', '_-_', '_*_', '_/_', '_%_', '-_']);
const CONVERSIONS: Record<string, CelTypeName> = {
  size: 'int',
  int: 'int',
  uint: 'uint',
  double: 'double',
  string: 'string',
  bytes: 'bytes',
  timestamp: 'google.protobuf.Timestamp',
  duration: 'google.protobuf.Duration',
};
const CONSTANTS: Record<string, CelTypeName> = {
  boolValue: 'bool', int64Value: 'int', uint64Value: 'uint', doubleValue: 'double', stringValue: 'string', bytesValue: 'bytes', nullValue: 'null_type',
};

/**
 * The type of `expr` (a parsed `cel.expr.Expr` of `@bufbuild/cel`), or undefined when its form does not tell.
 *
 * @internal
 */
export function celResultType(expr: any): CelTypeName | undefined {
  const kind = expr?.exprKind;
  switch (kind?.case) {
    case 'constExpr':
      return CONSTANTS[kind.value.constantKind?.case];
    case 'listExpr':
      return 'list';
    case 'structExpr':
      // A map literal; a message literal names its type, which the filter never has.
      return kind.value.messageName ? undefined : 'map';
    case 'selectExpr': {
      if (kind.value.testOnly) {
        return 'bool'; // has(x.y)
      }
      const operand = kind.value.operand?.exprKind;
      return operand?.case === 'identExpr' ? ATTRIBUTES.get(`${operand.value.name}.${kind.value.field}`) : undefined;
    }
    case 'callExpr': {
      const { function: fn, args } = kind.value as { function: string; args: any[] };
      if (BOOLEAN_FUNCTIONS.has(fn)) {
        return 'bool';
      }
      if (ARITHMETIC.has(fn)) {
        // CEL has no arithmetic on booleans: the result has its operands' type, or is an error; never a bool.
        const operand = [celResultType(args[0]), celResultType(args[1])].find(t => t !== undefined && t !== 'bool');
        return operand ?? 'non-boolean';
      }
      if (fn === '_?_:_') {
        const [then, otherwise] = [celResultType(args[1]), celResultType(args[2])];
        return then === otherwise ? then : undefined;
      }
      return !kind.value.target && args.length === 1 ? CONVERSIONS[fn] : fn === 'size' ? 'int' : undefined;
    }
    case 'comprehensionExpr':
      // all(), exists(), exists_one() accumulate a bool; map() and filter() a list.
      return celResultType(kind.value.result) === 'bool' || celResultType(kind.value.accuInit) === 'bool' ? 'bool'
        : celResultType(kind.value.accuInit) === 'list' ? 'list' : undefined;
    default:
      return undefined;
  }
}
