/**
 * Every code cdk8s-mesh (and the Pulumi adapter, packages/pulumi) reports, with one meaning forever.
 *
 * A code is a key of one object literal, so TypeScript rejects a code listed twice, and `MeshCode` makes
 * every `meshError()` and finding name a code listed here. docs/errors.md is generated from this catalogue
 * (`npx projen errors:doc`), and test/analysis/codes.test.ts checks that each code is used and documented.
 * A retired code stays listed, so that its number is never given another meaning.
 *
 * Not exported from the package index: it is data for the docs and the tests, not API.
 */
export const CODES = {
  // 00xx: names, services, versions, resilience, load balancing, route matches, faults, the control plane
  MESH0001: {
    meaning: 'a name is not a valid DNS label (63 characters at most) or DNS subdomain name',
    example: "[mesh-control-plane/istiod] [MESH0001] revision 'Canary' is not a valid DNS label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    fix: "use lowercase letters, digits and '-' ('.' too in DNS names), starting and ending with a letter or digit",
  },
  MESH0002: {
    meaning: 'a percentage is outside 0 to 100',
    example: '[mesh/T] [MESH0002] samplingPercentage 101 is not a percentage: use a number from 0 to 100',
    fix: 'give a number from 0 to 100',
  },
  MESH0003: {
    meaning: 'a port number is outside 1 to 65535',
    example: '[mesh/web] [MESH0003] port 70000 is out of range: use a whole number from 1 to 65535',
    fix: 'use a whole number from 1 to 65535',
  },
  MESH0004: {
    meaning: 'a mesh construct was created outside any Mesh',
    example: '[MESH0004] test: is not inside a Mesh: create it with a Mesh (or a construct inside one) as its scope',
    fix: 'create it with the Mesh, or a construct inside it, as its scope',
  },
  MESH0005: {
    meaning: 'an image tag has characters or a length a container image tag cannot have',
    example: "[mesh] [MESH0005] tag 'bad tag' is not a valid image tag: use letters, digits, '.', '_' and '-' (at most 128)",
    fix: "use letters, digits, '.', '_' and '-', at most 128 characters",
  },
  MESH0006: {
    meaning: 'a required prop is missing (only plain JavaScript can omit one)',
    example: '[mesh/a] [MESH0006] service is missing: name the service whose workloads are protected',
    fix: 'give the prop; the message says what it needs',
  },
  MESH0007: {
    meaning: 'a construct asked for a layer (chart) of the mesh that the mesh does not create',
    example: '[MESH0007] mesh: the mesh has no crds layer (installCrds is false)',
    fix: 'enable the layer (e.g. installCrds: true), or add the construct to a chart of your own',
  },
  MESH0008: {
    meaning: 'two objects of one kind have one name (in one namespace): the cluster would keep only one of them (analysis, error)',
    example: "[shop/api/ServiceAccount/Resource] [MESH0008] ServiceAccount 'default/shared' is also written by shop/web/ServiceAccount/Resource: the cluster keeps one object per kind, namespace and name, give one of them another name",
    fix: 'give one of the two objects another name or namespace (for services, another serviceAccountName or serviceName)',
  },
  MESH0009: {
    meaning: 'a prop or argument that names a service, caller or identity of a mesh was given something else (plain JavaScript)',
    example: '[mesh/access] [MESH0009] caller is not a service or gateway of a mesh: name a MeshService, one imported with MeshService.fromName(), or a gateway',
    fix: 'pass the construct itself: a MeshService, one imported with MeshService.fromName(), or a gateway',
  },
  MESH0010: {
    meaning: 'two services of the mesh have the same name and namespace',
    example: "[mesh/web2] [MESH0010] service 'web' in namespace 'default' is already in the mesh (mesh/web): give one of them another name or namespace, or import the existing one with MeshService.fromName()",
    fix: 'rename one of them, or import the existing one with MeshService.fromName()',
  },
  MESH0011: {
    meaning: 'a port name does not start with its protocol, which Istio reads from the name',
    example: "[mesh/web] [MESH0011] port 80 name 'web' does not start with its protocol 'http': Istio selects the protocol by the name prefix, use 'http' or 'http-<suffix>'",
    fix: "name the port '<protocol>' or '<protocol>-<suffix>'",
  },
  MESH0012: {
    meaning: "a service's ports are empty, or two of them share a name or number",
    example: '[mesh/web] [MESH0012] ports is empty: a service needs at least one port, e.g. { port: 8080, protocol: Protocol.HTTP }',
    fix: 'give at least one port, each with its own name and number',
  },
  MESH0013: {
    meaning: 'two versions of a service have the same name',
    example: "[mesh/web] [MESH0013] version 'v1' already exists (versions: v1): give each version its own name",
    fix: 'give each version its own name',
  },
  MESH0014: {
    meaning: "a version's replicas is negative or not a whole number",
    example: '[mesh/web/v2] [MESH0014] replicas -1 is invalid: use a whole number of at least 0',
    fix: 'use a whole number of at least 0',
  },
  MESH0015: {
    meaning: 'a version has an empty image',
    example: '[mesh/web/v2] [MESH0015] image is empty: name the container image of this version',
    fix: 'name the container image of the version',
  },
  MESH0016: {
    meaning: 'a version runs as user 0 (root)',
    example: '[mesh/web/v2] [MESH0016] user 0 is root: workloads run as non-root, use another user id (or runAsRoot: true if the image must run as root)',
    fix: 'use a non-root user id',
  },
  MESH0017: {
    meaning: 'a writable path of a version is not absolute, or is listed twice (Kubernetes mounts one volume per path)',
    example: "[mesh/web/v2] [MESH0017] writablePaths 'tmp' is not an absolute path: start it with '/'",
    fix: "start the path with '/'",
  },
  MESH0018: {
    meaning: "podAnnotations set 'sidecar.istio.io/inject' against the service's injection mode",
    example: "[mesh/x/v1] [MESH0018] podAnnotations sets 'sidecar.istio.io/inject: true' on a service with explicit injection: explicit injection already writes the sidecar and opts the pods out of the webhook: drop the annotation",
    fix: 'drop the annotation; choose the injection with Injection.explicit() or Injection.webhook()',
  },
  MESH0020: {
    meaning: 'a duration of a Timeout, RetryPolicy or CircuitBreaker is under 1ms',
    example: '[MESH0020] RetryPolicy.of: perTryTimeout 0ms is too short: use at least 1ms',
    fix: 'use at least 1ms',
  },
  MESH0021: {
    meaning: 'a count of a RetryPolicy or CircuitBreaker is not a whole number of at least its minimum',
    example: '[MESH0021] CircuitBreaker.of: maxConnections 0 is invalid: use a whole number of at least 1',
    fix: 'use a whole number of at least the minimum the message gives',
  },
  MESH0022: {
    meaning: "a RetryPolicy's retryOn lists a condition twice",
    example: "[MESH0022] RetryPolicy.of: retryOn lists 'reset' twice: list each condition once",
    fix: 'list each condition once',
  },
  MESH0023: {
    meaning: "a CircuitBreaker's maxEjectionPercent is outside 0 to 100",
    example: '[MESH0023] CircuitBreaker.of: maxEjectionPercent 101 is not a percentage: use a whole number from 0 to 100',
    fix: 'use a whole number from 0 to 100',
  },
  MESH0024: {
    meaning: 'a CircuitBreaker tunes outlier detection without consecutiveErrors, which turns it on',
    example: '[MESH0024] CircuitBreaker.of: interval tune outlier detection, which is off without consecutiveErrors: set consecutiveErrors too',
    fix: 'set consecutiveErrors too',
  },
  MESH0025: {
    meaning: 'a CircuitBreaker sets no limit',
    example: '[MESH0025] CircuitBreaker.of: sets no limit: give at least one of maxConnections, maxPendingRequests, maxRequests, maxRequestsPerConnection, maxRetries, connectTimeout or consecutiveErrors',
    fix: 'give at least one limit, or leave the circuit breaker out',
  },
  MESH0026: {
    meaning: 'a port list of the sidecar proxy options has a port outside 1 to 65535',
    example: '[svc] [MESH0026] proxy.includeInboundPorts has port 0: use whole numbers from 1 to 65535',
    fix: 'use whole numbers from 1 to 65535',
  },
  MESH0027: {
    meaning: 'an IP range of the sidecar proxy options is not a CIDR range',
    example: "[svc] [MESH0027] proxy.excludeOutboundIpRanges has '10.0.0.1', which is not a CIDR range: write it as '10.0.0.0/8' or 'fd00::/8'",
    fix: "write it as a CIDR range, e.g. '10.0.0.0/8' or 'fd00::/8'",
  },
  MESH0028: {
    meaning: "the sidecar proxy's concurrency is negative or not a whole number",
    example: '[svc] [MESH0028] proxy.concurrency -1 is invalid: use a whole number of worker threads (0 for one per CPU core)',
    fix: 'use a whole number of worker threads, 0 for one per CPU core',
  },
  MESH0029: {
    meaning: "the sidecar proxy's componentLogLevel is not '<component>:<level>' pairs of Envoy's levels, or its logLevel is not one of them",
    example: "[svc] [MESH0029] proxy.componentLogLevel 'misc' is invalid: write '<component>:<level>' pairs separated by commas, e.g. 'misc:error,upstream:debug'",
    fix: "write '<component>:<level>' pairs separated by commas",
  },
  MESH0030: {
    meaning: 'the header or cookie name of a consistent-hash load balancer is invalid',
    example: "[MESH0030] LoadBalancer.consistentHashByHeader: headerName 'bad header' is not an HTTP header name: use letters, digits and '-'",
    fix: "use letters, digits and '-'",
  },
  MESH0031: {
    meaning: 'locality load balancing sets both failover and distribute',
    example: '[MESH0031] LoadBalancer: locality sets both failover and distribute: Istio accepts one of them, choose failover (next-nearest) or distribute (fixed weights)',
    fix: 'choose failover (next-nearest) or distribute (fixed weights)',
  },
  MESH0032: {
    meaning: 'a locality failover does not name two different regions',
    example: "[MESH0032] LoadBalancer: locality failover 'us/z1' -> 'eu' must name two regions (no '/' or '*')",
    fix: "name two different regions, without '/' or '*'",
  },
  MESH0033: {
    meaning: 'a locality is not region[/zone[/subzone]]',
    example: "[MESH0033] LoadBalancer: locality 'us//x' is not region[/zone[/subzone]] ('*' may stand for the last segment)",
    fix: "write region[/zone[/subzone]], '*' for the last segment only",
  },
  MESH0034: {
    meaning: 'the weights of a locality distribution are not whole percentages of at least 1 adding up to 100',
    example: '[MESH0034] LoadBalancer: locality distribution from \'us\' has weights {"eu":50,"us":40} (total 90): use whole percentages of at least 1 that add up to 100',
    fix: 'use whole percentages of at least 1 that add up to 100 (istiod refuses a weight of 0: leave the locality out)',
  },
  MESH0035: {
    meaning: 'two control planes have the same revision',
    example: "[mesh-control-plane/b] [MESH0035] revision 'canary' already has a control plane (mesh-control-plane/a): give each control plane its own revision",
    fix: 'give each control plane its own revision',
  },
  MESH0036: {
    meaning: 'a service, gateway or namespace uses a revision that no control plane has (analysis, error)',
    example: "[shop/api] [MESH0036] service 'api' uses revision 'canary', but no control plane has it (revisions: default): add it with Mesh.addControlPlane()",
    fix: 'add the control plane with Mesh.addControlPlane() (before or after what uses it), or use an existing revision',
  },
  MESH0037: {
    meaning: "retired: a namespace's revision set after services were added to it (the order no longer matters)",
    example: "[mesh] [MESH0037] namespace 'shop' already has services, which chose their revision when created: set the namespace's revision before adding them",
    fix: 'nothing: no check reports it any more',
    retired: true,
  },
  MESH0040: {
    meaning: 'a regular expression is not valid RE2 (what Envoy and istiod use: no lookaround, no backreferences, repeats up to 1000), or is longer than 1024 characters',
    example: "[MESH0040] StringMatch.regex: pattern '(?<=/api)x' is not a valid RE2 regular expression (invalid named capture: `(?<=/api)x`): Envoy and istiod use RE2, which has no lookaround or backreferences and repeats at most 1000 times, rewrite it",
    fix: 'rewrite it in RE2 syntax, at most 1024 characters',
  },
  MESH0041: {
    meaning: 'one route match tests the same header twice',
    example: "[mesh/split] [MESH0041] header 'a' is matched twice in one match: a request has one value per header, so list it once (use several matches for OR)",
    fix: 'list the header once; use several matches for OR',
  },
  MESH0042: {
    meaning: 'a route match has no condition',
    example: '[mesh/split] [MESH0042] a match has no condition: give headers, uri, method, queryParams, authority, port or a source (a route without matches takes all traffic)',
    fix: 'give a condition (headers, uri, method, queryParams, authority, port, a source), or drop the match',
  },
  MESH0043: {
    meaning: 'a string match, or a header prefix or regex match, has an empty value (an exact header match may be empty: the header is present and empty)',
    example: "[MESH0043] HeaderMatch.prefix: header 'end-user' has no value to match: give one, e.g. HeaderMatch.exact('end-user', 'jason')",
    fix: 'give the text to match',
  },
  MESH0044: {
    meaning: 'a header match names an invalid HTTP header',
    example: "[MESH0044] HeaderMatch.exact: header name 'bad header' is not an HTTP header name: use letters, digits and '-'",
    fix: "use letters, digits and '-'",
  },
  MESH0045: {
    meaning: 'a Mesh was created inside another Mesh: both would write the same cluster-wide objects (analysis, error)',
    example: "[mesh/inner] [MESH0045] is inside Mesh 'mesh': a Mesh writes cluster-wide objects (CRDs, the injector webhook, cluster roles, the root namespace), so create it at the top of an App of its own, or add what it holds to the outer Mesh",
    fix: 'create each Mesh at the top of an App of its own, or add what the inner one holds to the outer Mesh',
  },
  MESH0046: {
    meaning: 'an App holds a second Mesh: both would write the same cluster-wide objects (analysis, error)',
    example: '[b] [MESH0046] the App already has a Mesh (a): both would write the same cluster-wide objects (CRDs, the injector webhook, cluster roles, the root namespace), so put each Mesh in an App of its own',
    fix: 'put each Mesh in an App of its own (one App per cluster)',
  },
  MESH0047: {
    meaning: 'an item of a list of ports is no port object (null, undefined, a number; plain JavaScript)',
    example: '[mesh/web] [MESH0047] ports[0] is null: give each port as an object, e.g. { port: 8080, protocol: Protocol.HTTP }',
    fix: 'give each port as an object, e.g. { port: 8080, protocol: Protocol.HTTP }',
  },
  MESH0048: {
    meaning: "a namespace's revision (setNamespaceRevision) is used by none of its services, since each chooses its own (analysis, warning)",
    example: "[mesh] [MESH0048] namespace 'default' has revision 'canary', but every service in it chooses its own (default), so the namespace is labelled for theirs and revision 'canary' injects nothing: drop setNamespaceRevision() for it, or the revision of its services",
    fix: 'drop setNamespaceRevision() for the namespace, or the revision of its services',
  },
  MESH0049: {
    meaning: "a version's env sets a variable of Istio's sidecar (ISTIO_*, PILOT_*, PROXY_CONFIG) on the application's container, where it configures nothing (warning)",
    example: "[mesh/web/v1] [MESH0049] env 'ISTIO_META_MESH_ID' is a variable of Istio's sidecar, but env sets the application's container, not the sidecar's: configure the proxy with the service's proxy options, or rename the variable",
    fix: "configure the proxy with the service's proxy options (ProxyOptions), or rename the variable",
  },
  MESH0050: {
    meaning: 'a FaultInjection injects nothing',
    example: '[MESH0050] FaultInjection.of: injects nothing: give a delay, an abort or both',
    fix: 'give a delay, an abort or both',
  },
  MESH0051: {
    meaning: 'a fault delay is under 1ms',
    example: '[MESH0051] FaultInjection.of: delay fixedDelay 0ms is too short: use at least 1ms',
    fix: 'use at least 1ms',
  },
  MESH0052: {
    meaning: 'a fault abort status is not an HTTP status',
    example: '[MESH0052] FaultInjection.of: abort httpStatus 600 is not an HTTP status: use 200 to 599',
    fix: 'use a status from 200 to 599',
  },
  MESH0060: {
    meaning: "a control plane's revision is 'default', the name of the unnamed revision",
    example: "[mesh-control-plane/istiod] [MESH0060] revision 'default' names the unnamed revision: leave revision out, or choose another name",
    fix: 'leave revision out, or choose another name',
  },
  MESH0061: {
    meaning: "a control plane's logLevel is not '<scope>:<level>' pairs (or a bare level) of istiod's levels: debug, info, warn, error, fatal, none",
    example: "[mesh-control-plane/istiod] [MESH0061] logLevel 'default:verbose' has the level 'verbose', which istiod does not know: use debug, info, warn, error, fatal, none",
    fix: "write '<scope>:<level>' pairs (or one bare level) separated by commas, with levels debug, info, warn, error, fatal or none",
  },
  MESH0062: {
    meaning: "a control plane's replicas or autoscaling bounds are not whole numbers in order",
    example: '[mesh-control-plane/istiod] [MESH0062] autoscaling.maxReplicas 2 is below minReplicas 4: raise maxReplicas',
    fix: 'use whole numbers of at least 1, with maxReplicas at least minReplicas',
  },
  MESH0063: {
    meaning: 'a control plane sets both replicas and autoscaling',
    example: '[mesh-control-plane/istiod] [MESH0063] replicas and autoscaling are both set: set replicas for a fixed count, or autoscaling, not both',
    fix: 'set replicas for a fixed count, or autoscaling, not both',
  },
  MESH0064: {
    meaning: 'a control plane toleration has an operator or effect Kubernetes does not know',
    example: "[mesh-control-plane/istiod] [MESH0064] toleration 'a' has operator 'In': use 'Exists' or 'Equal'",
    fix: "use operator 'Exists' or 'Equal', effect 'NoSchedule', 'PreferNoSchedule' or 'NoExecute'",
  },
  MESH0070: {
    meaning: 'a number is not a whole number within the range of the int32 (or uint32) field Kubernetes, Istio or Envoy writes it to',
    example: '[MESH0070] RetryPolicy.of: attempts 8589934592 is larger than the field it is written to holds (2147483647): use a whole number from 0 to 2147483647',
    fix: 'use a whole number within the range the message gives',
  },
  MESH0071: {
    meaning: 'a name the library builds from an input (istiod-<revision>) is longer than the object allows',
    example: "[mesh-control-plane/istiod] [MESH0071] revision 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' makes istiod's Service name 'istiod-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' 66 characters long, over the limit of 63: shorten revision to at most 56 characters",
    fix: 'shorten the input to the number of characters the message gives',
  },
  MESH0072: {
    meaning: 'an environment variable name is one Kubernetes refuses',
    example: "[mesh/web/v1] [MESH0072] env name 'A=B' is not a valid environment variable name: use letters, digits, '_', '-' and '.', not starting with a digit",
    fix: "use letters, digits, '_', '-' and '.', not starting with a digit",
  },
  MESH0073: {
    meaning: 'a label or annotation key is not a Kubernetes qualified name',
    example: "[mesh/web/v1] [MESH0073] podAnnotations key 'bad key!' is not a valid key: use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'example.com/team')",
    fix: "use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.'",
  },
  MESH0074: {
    meaning: 'a label value is longer than 63 characters or has characters a label value cannot have',
    example: "[mesh-control-plane/istiod] [MESH0074] nodeSelector 'pool' has value 'a b', which is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    fix: "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  },
  MESH0075: {
    meaning: "an object's annotations take more than the 256 KiB the API server allows",
    example: "[mesh/web/v1] [MESH0075] podAnnotations take 300012 bytes, over the 262144 bytes (256 KiB) an object's annotations may take: move large values to a ConfigMap",
    fix: 'move large values to a ConfigMap',
  },
  MESH0076: {
    meaning: 'a container resource request is above its limit, or a quantity is not a positive amount',
    example: '[mesh/web/v1] [MESH0076] resources.cpu.request 2 is above resources.cpu.limit 500m: lower the request or raise the limit',
    fix: 'give positive amounts, each request at most its limit',
  },
  MESH0077: {
    meaning: 'an object is larger than the 1.5 MiB the API server stores',
    example: "[mesh/web] [MESH0077] VirtualService 'web' is 2097534 bytes once serialized, over the 1572864 bytes (1.5 MiB) the API server stores: shorten the values that make it large, or split it",
    fix: 'shorten the values that make it large, or split it',
  },
  MESH0078: {
    meaning: 'an image reference or image hub is not one a container runtime can pull',
    example: "[mesh/web/v1] [MESH0078] image 'My/App' is not an image reference (a repository is an optional registry ('registry.example.com/') and lowercase path parts of letters, digits, '.', '_' and '-' separated by '/'): write it as '[registry/]repository[:tag][@digest]', e.g. 'registry.example.com/team/app:1.0'",
    fix: "write it as '[registry/]repository[:tag][@digest]'; a hub without tag",
  },
  MESH0079: {
    meaning: "a service with webhook injection, or a namespace revision, is in a namespace Istio's webhook never injects (kube-system, kube-public, kube-node-lease, the mesh's root namespace)",
    example: "[mesh/dns] [MESH0079] namespace 'kube-system' is never injected (Istio leaves system namespaces out), so the service would run without its sidecar: put the service in another namespace, or use Injection.explicit()",
    fix: 'use another namespace, or Injection.explicit()',
  },
  MESH0080: {
    meaning: "the mesh's root namespace is a Kubernetes system namespace (kube-system, kube-public, kube-node-lease)",
    example: "[mesh] [MESH0080] rootNamespace 'kube-system' is a Kubernetes system namespace, which the mesh would write as its own Namespace (deleting the mesh would delete it): use a namespace of the mesh, e.g. 'istio-system'",
    fix: "use a namespace of the mesh's own, e.g. 'istio-system'",
  },
  MESH0081: {
    meaning: 'a control plane toleration has operator Exists and a value, which Kubernetes refuses',
    example: "[mesh-control-plane/istiod] [MESH0081] toleration 'dedicated' has operator Exists and value 'x': Kubernetes takes a value only with Equal, use operator TolerationOperator.EQUAL to tolerate that value, or leave value out to tolerate any",
    fix: 'use operator TolerationOperator.EQUAL with a value, or leave the value out',
  },
  MESH0082: {
    meaning: "a control plane does not use the Istio CNI node agent (cni: false), so its pods get the root istio-init container with NET_ADMIN and NET_RAW and meet only the 'privileged' Pod Security profile (a warning)",
    example: "[mesh-control-plane/istiod] [MESH0082] cni is false: this control plane's pods get the istio-init container, which runs as root with NET_ADMIN and NET_RAW, capabilities outside the 'baseline' Pod Security profile, so they meet only 'privileged' and so must their namespaces: set cni: true, and the mesh runs the Istio CNI node agent instead",
    fix: 'set cni: true on the control plane (the default), or accept privileged workload namespaces',
  },
  MESH0083: {
    meaning: "the Istio CNI node agent's namespace (cni.namespace) is the mesh's root namespace, which would have to admit privileged pods",
    example: "[mesh] [MESH0083] cni.namespace 'istio-system' is the mesh's root namespace, where istiod runs: the namespace would have to admit the agent's privileged pods, and so any other, give the agent a namespace of its own (e.g. 'istio-cni')",
    fix: "give the agent a namespace of its own, e.g. 'istio-cni' (the default)",
  },
  MESH0084: {
    meaning: "the Istio CNI node agent's namespace (cni.namespace) also holds workloads of the mesh, which it would make admit privileged pods",
    example: "[mesh] [MESH0084] cni.namespace 'default' also holds service 'web': the namespace would have to admit the agent's privileged pods, and so theirs, give the agent a namespace of its own (e.g. 'istio-cni')",
    fix: "give the agent a namespace of its own, e.g. 'istio-cni' (the default)",
  },
  MESH0085: {
    meaning: 'a namespace the CNI plugin leaves out (listed in cni.excludeNamespaces, or kube-system) holds workloads whose control plane uses CNI, so their traffic would never be captured',
    example: "[mesh] [MESH0085] namespace 'shop' is left out by the CNI plugin (cni.excludeNamespaces lists it), and service 'web' there gets its sidecar from revision 'default', which uses CNI: nothing would capture its pods' traffic and istio-validation would stop them, remove 'shop' from cni.excludeNamespaces, or set cni: false on that control plane",
    fix: 'remove the namespace from cni.excludeNamespaces (or move the service out of kube-system), or set cni: false on the control plane of its workloads',
  },
  MESH0086: {
    meaning: 'an option of the Istio CNI node agent has no effect: the mesh does not install the agent (cni.install is false, or no control plane uses CNI) (a warning)',
    example: '[mesh] [MESH0086] cni.logLevel is set, but cni.install is false: the mesh does not install the CNI agent, so it has no effect, configure the agent where it is installed, or drop cni.logLevel',
    fix: 'drop the option, or let the mesh install the agent (cni.install true, and cni on a control plane)',
  },
  MESH0087: {
    meaning: "cni.logLevel is not '<scope>:<level>' pairs (or a bare level) of Istio's levels: debug, info, warn, error, fatal, none",
    example: "[mesh] [MESH0087] cni.logLevel 'verbose' has the level 'verbose', which the CNI agent does not know: use debug, info, warn, error, fatal, none",
    fix: "write '<scope>:<level>' pairs (or one bare level) separated by commas, with levels debug, info, warn, error, fatal or none",
  },
  MESH0088: {
    meaning: "the Mesh's cni prop is not an object of CniOptions (plain JavaScript, e.g. cni: true)",
    example: "[mesh] [MESH0088] cni true is not CniOptions: give an object such as { namespace: 'istio-cni' }; whether pods use CNI is each control plane's cni, e.g. controlPlane: { cni: true }",
    fix: 'give an object of CniOptions; set cni on the control plane (controlPlane: { cni: true }) for whether its pods use CNI',
  },
  MESH0090: {
    meaning: 'an enum-typed prop or argument is not a value of its enum (plain JavaScript)',
    example: "[mesh] [MESH0090] mtls 'strict' is not a value of MtlsMode: use MtlsMode.STRICT, MtlsMode.PERMISSIVE or MtlsMode.DISABLE",
    fix: 'use one of the enum members the message lists',
  },
  MESH0091: {
    meaning: 'a boolean, number or string prop was given a value of another JavaScript type (plain JavaScript)',
    example: "[mesh] [MESH0091] installCrds 'false' is a string, not a boolean: give true or false, without quotes",
    fix: 'give a value of the declared type (true rather than \'true\', 3 rather than \'3\')',
  },
  MESH0092: {
    meaning: 'a list prop was given something that is not an array (plain JavaScript)',
    example: '[mesh/web] [MESH0092] ports {"port":80} is not a list: give an array, e.g. [...]',
    fix: 'give an array, even of one item',
  },
  MESH0093: {
    meaning: 'Mesh.addControlPlane() was given an id another control plane has',
    example: "[MESH0093] mesh: addControlPlane: id 'canary' is already taken (mesh-control-plane/canary): give each control plane its own id",
    fix: 'give each control plane its own id',
  },
  MESH0094: {
    meaning: "a mesh's version is not a patch release of the Istio minor whose CRDs and injection template the library renders (1.30)",
    example: "[mesh] [MESH0094] version '1.29.0' is not a 1.30 patch release: the mesh renders Istio 1.30.3's CRDs and injection template, and other releases' istiod and proxies would not match them, use a 1.30.x version (e.g. '1.30.3'), or set tag for images built otherwise",
    fix: 'use a 1.30.x version; pull images built otherwise with hub and tag',
  },
  MESH0095: {
    meaning: 'explicit injection was asked to inject a sidecar into a manifest that has no pod template',
    example: '[MESH0095] explicit injection: cannot inject a sidecar into a Service: inject Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs or Pods',
    fix: 'inject Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs or Pods',
  },
  MESH0096: {
    meaning: 'a prop that takes a value made by a factory (a PolicyScope, Timeout, RetryPolicy, CircuitBreaker, LoadBalancer or SeccompProfile) was given something else (plain JavaScript)',
    example: '[mesh/p] [MESH0096] scope is not a PolicyScope: choose PolicyScope.namespace(...) or PolicyScope.workload(...)',
    fix: 'make the value with its factory, e.g. PolicyScope.workload(service)',
  },
  MESH0097: {
    meaning: 'a Mesh method, a MeshServiceVersion, or a MeshTesting or MeshAnalyzer helper was given a service (or mesh) it cannot use: one of another mesh, or no mesh at all',
    example: "[MESH0097] Mesh.mtlsModeOf: service 'web' belongs to another mesh (other): give a service of mesh 'mesh'",
    fix: 'give a service of the mesh the method is called on (import others with MeshService.fromName()), or the Mesh itself',
  },
  MESH0098: {
    meaning: 'MeshTesting.find() found no object, or more than one, of the kind and name asked for',
    example: "[MESH0098] MeshTesting.find: expected one Service 'nope', found 0 (Services: istio-system/istiod, default/web): name an object the manifests hold, or give its namespace",
    fix: 'name an object the manifests hold; give its namespace when several namespaces hold one of that name',
  },
  MESH0099: {
    meaning: 'Mesh.setNamespaceRevision() was called twice for one namespace with two revisions (the second would replace the first)',
    example: "[mesh] [MESH0099] namespace 'default' already has revision 'canary' (from an earlier setNamespaceRevision()): set each namespace's revision once, to the revision it should use",
    fix: "set each namespace's revision once",
  },
  // 01xx: traffic (routes, gateways, external services, egress, rate limits)
  MESH0101: {
    meaning: 'a route sends or mirrors traffic to a version the service does not have (analysis, error)',
    example: "[mesh/split] [MESH0101] route 1: subset 'v4' is not a version of service 'reviews' (versions: v1, v2, v3): add it with addVersion('v4', ...) or route to an existing version",
    fix: 'add the version with addVersion(), or route to an existing version',
  },
  MESH0102: {
    meaning: 'the weights of a route are invalid or do not add up to 100',
    example: '[mesh/split] [MESH0102] route 1 weights add up to 90 (v1=50, v2=40): make them add up to 100',
    fix: 'give every target a whole weight, adding up to 100 (or none for a single target)',
  },
  MESH0103: {
    meaning: 'a TrafficSplit has no routes (analysis, error)',
    example: "[mesh/a-split] [MESH0103] has no routes for service 'a': add one with addRoute(), or remove the split",
    fix: 'add a route with addRoute(), or remove the split',
  },
  MESH0104: {
    meaning: 'a route comes after a route without matches, so it never receives traffic',
    example: "[mesh/split] [MESH0104] route 'late' comes after route 'all' without matches, which takes all traffic, so it is never used: give that route matches, or add this one before it",
    fix: 'give the earlier route matches, or add this one before it',
  },
  MESH0105: {
    meaning: 'a route mirrors to a version it already sends traffic to',
    example: "[mesh/split] [MESH0105] route 1 mirrors to version 'v1', which already receives its traffic: mirror to another version",
    fix: 'mirror to another version',
  },
  MESH0106: {
    meaning: 'a service has a second TrafficSplit',
    example: "[mesh/two] [MESH0106] service 'web' already has a TrafficSplit (mesh/one): add routes to it with addRoute(), a service has one set of routing rules",
    fix: 'add the routes to the first TrafficSplit with addRoute()',
  },
  MESH0107: {
    meaning: 'a TrafficSplit routes a service that has no HTTP, HTTP2 or GRPC port',
    example: "[mesh/split] [MESH0107] service 'db' has no HTTP, HTTP2 or GRPC port (ports: tcp): HTTP routes need one",
    fix: 'give the service an HTTP, HTTP2 or GRPC port',
  },
  MESH0108: {
    meaning: 'a TrafficSplit or ServiceTrafficPolicy names a service that is not a MeshService of its mesh',
    example: "[mesh/split] [MESH0108] service 'web' belongs to another mesh (mesh): route a service of this mesh, or import it with MeshService.fromName()",
    fix: 'name a service of this mesh, or import it with MeshService.fromName()',
  },
  MESH0109: {
    meaning: 'two routes of a TrafficSplit have the same name',
    example: "[mesh/split] [MESH0109] route 'a' is already defined: give each route its own name",
    fix: 'give each route its own name',
  },
  MESH0110: {
    meaning: 'a route lists a version twice',
    example: "[mesh/split] [MESH0110] route 1 lists version 'v1' twice: give each version one target with its total weight",
    fix: 'give each version one target with its total weight',
  },
  MESH0111: {
    meaning: 'warning: a service has no versions, so its Service selects no pods',
    example: "[mesh/idle] [MESH0111] service 'idle' has no versions, so its Service selects no pods: add one with addVersion()",
    fix: 'add a version with addVersion()',
  },
  MESH0112: {
    meaning: 'warning: every route of a service has matches, so requests matching none get 404',
    example: "[mesh/split] [MESH0112] every route of service 'web' has matches, so requests matching none get 404: end with a route without matches",
    fix: 'end with a route without matches',
  },
  MESH0113: {
    meaning: 'warning: locality load balancing without outlier detection has no effect',
    example: "[mesh/web] [MESH0113] locality load balancing of service 'web' has no effect without outlier detection: add circuitBreaker: CircuitBreaker.of({ consecutiveErrors: ... })",
    fix: 'add a circuit breaker with consecutiveErrors',
  },
  MESH0114: {
    meaning: 'a route has no targets',
    example: '[mesh/split] [MESH0114] route 1 has no targets: add at least one TrafficTarget.version()',
    fix: 'add at least one TrafficTarget.version()',
  },
  MESH0115: {
    meaning: "a MeshService's traffic settings are given both in its props and in a ServiceTrafficPolicy",
    example: "[mesh/web-traffic] [MESH0115] service 'web' already sets timeout, retries in its props: give a service's traffic settings in one place, its props or one ServiceTrafficPolicy",
    fix: "move every setting into the service's props, or every one into the ServiceTrafficPolicy",
  },
  MESH0116: {
    meaning: 'a service has a second ServiceTrafficPolicy',
    example: "[mesh/two] [MESH0116] service 'web' already has a ServiceTrafficPolicy (mesh/one): give every traffic setting of a service in that one",
    fix: 'merge the settings into the first ServiceTrafficPolicy',
  },
  MESH0117: {
    meaning: 'MeshService.fromName() was given traffic settings, which it does not take (only plain JavaScript can pass them)',
    example: '[mesh/ledger] [MESH0117] MeshService.fromName() takes no traffic settings (given: timeout): give them to a ServiceTrafficPolicy for this service',
    fix: 'give the settings to a ServiceTrafficPolicy whose service is the imported one',
  },
  MESH0120: {
    meaning: 'a port is given a protocol its kind of port does not take (a gateway listener GRPC, a value from JavaScript that is no Protocol)',
    example: "[mesh/gw] [MESH0120] listener 9090 protocol 'grpc' is not a protocol of gateway listeners: use Protocol.HTTP, Protocol.HTTPS, Protocol.TLS or Protocol.TCP",
    fix: 'service ports and external services take any Protocol; gateway listeners HTTP, HTTPS and TLS',
  },
  MESH0121: {
    meaning: "a gateway's replicas is negative or not a whole number",
    example: '[mesh/gw] [MESH0121] replicas -1 is invalid: use a whole number of at least 0',
    fix: 'use a whole number of at least 0',
  },
  MESH0122: {
    meaning: "a gateway's listeners are empty, lack hosts, name an invalid host or share a port",
    example: "[mesh/gw] [MESH0122] listener 80 host 'http://x' is not a host name: use 'example.com', '*.example.com' or '*'",
    fix: "give at least one listener, each with its own port and host names ('example.com', '*.example.com' or '*')",
  },
  MESH0123: {
    meaning: 'an HTTPS listener has no credentialName, or another listener has one',
    example: '[mesh/gw] [MESH0123] HTTPS listener 443 has no credentialName: name the Secret with its certificate and key (tls.crt, tls.key)',
    fix: 'name the TLS Secret on HTTPS listeners only',
  },
  MESH0124: {
    meaning: 'an ingress gateway routes to a service of another mesh',
    example: "[mesh/edge] [MESH0124] service 'web' belongs to another mesh (mesh): route to a service of this mesh",
    fix: 'route to a service of this mesh',
  },
  MESH0125: {
    meaning: 'an ingress route names a host no listener of the gateway serves',
    example: "[mesh/gw] [MESH0125] route host 'shop.example.org' is not served by the gateway (hosts: *.example.com): add it to a listener's hosts or route another host",
    fix: "add the host to a listener's hosts, or route another host",
  },
  MESH0126: {
    meaning: 'an ingress route does not lead to exactly one HTTP port of its service',
    example: "[mesh/gw] [MESH0126] service 'two' has 2 HTTP ports (80, 81): choose one with port",
    fix: 'choose an HTTP port of the service with port',
  },
  MESH0127: {
    meaning: 'a host of an ingress gateway has no route (analysis, error)',
    example: "[mesh/edge] [MESH0127] gateway host 'b.example.com' has no route: add one with addRoute(), or drop the host from the listeners",
    fix: 'add a route with addRoute(), or drop the host from the listeners',
  },
  MESH0128: {
    meaning: 'warning: an egress gateway routes no external service',
    example: "[mesh/egress] [MESH0128] egress gateway routes no external service: route one through it with ExternalService's egressGateway, or remove the gateway",
    fix: 'route an ExternalService through it with egressGateway, or remove the gateway',
  },
  MESH0130: {
    meaning: "an ExternalService's hosts or ports are empty, or a host is not a host name",
    example: "[mesh/ext] [MESH0130] hosts is empty: list the service's host names, e.g. ['api.example.com']",
    fix: "list host names such as 'api.example.com' and at least one port",
  },
  MESH0131: {
    meaning: 'an ExternalService resolved by DNS has a wildcard host',
    example: "[mesh/ext] [MESH0131] host '*.example.com' is a wildcard, which DNS cannot resolve: use resolution NONE, or list the host names",
    fix: 'use resolution NONE, or list the host names',
  },
  MESH0132: {
    meaning: 'an ExternalService names the egress gateway of another mesh',
    example: "[mesh/ext] [MESH0132] egress gateway mesh/egress belongs to another mesh: use one of this mesh's gateways",
    fix: "use one of this mesh's egress gateways",
  },
  MESH0133: {
    meaning: 'the egress gateway cannot route a port of an ExternalService',
    example: "[mesh/ext] [MESH0133] egress gateway 'egress' has no TLS listener on port 8443: add one to its listeners",
    fix: 'add a matching listener to the gateway, use HTTP, HTTPS or TLS, or call the service directly',
  },
  MESH0134: {
    meaning: "a service, target or gateway listener port is one of the ports Istio's proxy uses itself",
    example: "[mesh/web] [MESH0134] port 15021 is a port Istio's proxy uses itself (health checks): use another port",
    fix: 'use a port outside 15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053 and 15090',
  },
  MESH0135: {
    meaning: 'two gateway listeners are served on one container port',
    example: '[mesh/gw] [MESH0135] listeners 80 and 8080 are both served on container port 8080 (a port below 1024 is served on 8000 + port): change one of the listener ports',
    fix: 'change one of the listener ports',
  },
  MESH0140: {
    meaning: "an EgressScope's namespace differs from its service's namespace",
    example: "[mesh/x] [MESH0140] service 'web' is in namespace 'default', not 'other': drop namespace, it follows the service",
    fix: 'drop namespace; it follows the service',
  },
  MESH0141: {
    meaning: "an EgressScope host is not '<namespace>/<host>'",
    example: "[mesh/x] [MESH0141] host 'api.example.com' is not '<namespace>/<host>': use e.g. 'istio-system/*', './*' or 'shop/api.shop.svc.cluster.local'",
    fix: "write '<namespace>/<host>', e.g. 'istio-system/*' or './*'",
  },
  MESH0150: {
    meaning: 'a RateLimit limits a service of another mesh',
    example: "[mesh/rl] [MESH0150] service 'api' belongs to another mesh: limit a service of this mesh",
    fix: 'limit a service of this mesh',
  },
  MESH0151: {
    meaning: "a RateLimit's requests or burst is not a whole number of at least 1",
    example: '[mesh/rl] [MESH0151] requests 0 is invalid: use a whole number of at least 1',
    fix: 'use a whole number of at least 1',
  },
  MESH0152: {
    meaning: "a RateLimit's window is shorter than Envoy's 50ms refill interval",
    example: "[mesh/rl] [MESH0152] per 10ms is shorter than Envoy's minimum refill interval of 50ms: use a longer window",
    fix: 'use a window of at least 50ms',
  },
  MESH0153: {
    meaning: 'a service has two RateLimits: both write its one rate-limit EnvoyFilter (analysis, error)',
    example: "[mesh/r2] [MESH0153] service 'api' already has a RateLimit (mesh/r1): a service has one local rate limit, so set requests, per and burst on that one",
    fix: 'keep one RateLimit per service',
  },
  MESH0154: {
    meaning: 'two gateways of the mesh have one name and namespace: they would write the same objects (analysis, error)',
    example: "[mesh/g2] [MESH0154] gateway 'edge' in namespace 'istio-ingress' is already in the mesh (mesh/g1): give one of them another name or namespace",
    fix: "give one of them another name (the gateway's name prop) or namespace",
  },
  MESH0155: {
    meaning: 'two ExternalServices of one namespace have a host in common: Istio uses one of them and ignores the other (analysis, error)',
    example: "[mesh/e2] [MESH0155] host 'api.example.com' is already an ExternalService in namespace 'default' (mesh/e1): Istio uses one of the two and ignores the other, so give each host one ExternalService, with every port it needs",
    fix: 'give each host one ExternalService per namespace, with every port it needs',
  },
  MESH0156: {
    meaning: 'two EgressScopes for one namespace (or one service) write the same Sidecar (analysis, error)',
    example: "[mesh/b] [MESH0156] namespace 'default' already has an EgressScope (mesh/a): each writes one Sidecar, so allow every host it needs on that one",
    fix: 'keep one EgressScope per namespace and per service, and allow every host on it',
  },
  MESH0160: {
    meaning: "a traffic or control plane duration (timeout, perTryTimeout, circuit breaker or fault delay, cookie ttl, rate-limit window, istiod's keepalive) is not a whole number of milliseconds, or longer than a Go duration holds (2562047h)",
    example: '[MESH0160] Timeout.of: duration 31536000000s is longer than a Go duration holds (2562047h, about 292 years), so the cluster cannot read it: use a shorter one',
    fix: 'use a whole number of milliseconds, at most 2562047h',
  },
  MESH0161: {
    meaning: 'a retryOn condition is not one Istio takes, or one element holds several (from JavaScript, any string gets through the types)',
    example: "[MESH0161] RetryPolicy.of: retryOn 'timeout' is not a retry condition Istio takes: use RetryOn values (5xx, gateway-error, reset, reset-before-request, connect-failure, refused-stream, retriable-4xx, envoy-ratelimited, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) or an HTTP status code",
    fix: 'use a RetryOn value or an HTTP status code',
  },
  MESH0162: {
    meaning: "warning: a retry policy's perTryTimeout is not shorter than the timeout of its route, so it never fires",
    example: '[mesh/split] [MESH0162] route 1: retries perTryTimeout 10s is not shorter than the timeout 5s, which ends the request first, so no try is cut short and retried: make perTryTimeout shorter than the timeout',
    fix: 'make perTryTimeout shorter than the timeout (Envoy counts every try against the route timeout)',
  },
  MESH0163: {
    meaning: 'locality load balancing sets failover and a topology label in failoverPriority',
    example: "[MESH0163] LoadBalancer: locality sets failover and failoverPriority 'topology.kubernetes.io/region': istiod refuses a topology label in failoverPriority with failover, drop one of them",
    fix: 'drop failover, or the topology labels from failoverPriority',
  },
  MESH0164: {
    meaning: 'two localities of a distribution repeat or contain one another',
    example: "[MESH0164] LoadBalancer: locality 'us/z1' overlaps 'us': istiod refuses localities that repeat or contain one another, list each once",
    fix: 'list each locality once, none inside another',
  },
  MESH0165: {
    meaning: "an exact or prefix match on the request path does not start with '/'",
    example: "[mesh/split] [MESH0165] uri prefix 'api' does not start with '/': every request path does, so it would match nothing, write '/api'",
    fix: "start the path with '/'",
  },
  MESH0166: {
    meaning: 'a route match method is not an upper-case HTTP method (methods are case-sensitive)',
    example: "[mesh/split] [MESH0166] method 'get' is not upper-case: HTTP methods are case-sensitive, so it would match no request, use HttpMethod.GET",
    fix: 'use an HttpMethod value',
  },
  MESH0167: {
    meaning: 'a value matched against a request path or header has a control character (CR, LF, NUL...)',
    example: "[MESH0167] HeaderMatch.exact: header 'x-user' value \"a\\r\\nb\" has the control character '\\r', which no request header carries, so it never matches: remove it",
    fix: 'remove the control character',
  },
  MESH0168: {
    meaning: 'a route has the same matches (paths) as an earlier one, so it never gets a request',
    example: '[mesh/split] [MESH0168] route 2 has the same matches as an earlier route, which takes their requests first, so it is never used: change its matches, or remove it',
    fix: 'change its matches, or remove it',
  },
  MESH0169: {
    meaning: 'an ExternalService lists one port number twice',
    example: '[mesh/api] [MESH0169] ports has port 443 twice (https, tls): a port has one protocol, list it once',
    fix: 'list each port number once',
  },
  MESH0170: {
    meaning: 'a RateLimit limits a service with no HTTP port, where it would limit nothing',
    example: "[mesh/rl] [MESH0170] service 'db' has no HTTP, HTTP2 or GRPC port (ports: 5432/tcp): the rate limit counts HTTP requests, so it would limit nothing, limit an HTTP service",
    fix: 'limit a service with an HTTP port',
  },
  MESH0171: {
    meaning: 'a service with no HTTP port has traffic settings only HTTP requests get (timeout, retries, HTTP limits and connection pool settings, hashing on a header, cookie or query parameter) (analysis, error)',
    example: "[mesh/db] [MESH0171] service 'db' has no HTTP, HTTP2 or GRPC port (ports: 5432/tcp), so timeout would do nothing: Envoy applies them to HTTP requests only, drop them or give the service an HTTP port",
    fix: 'drop the settings, or give the service an HTTP port',
  },
  MESH0172: {
    meaning: 'an ingress gateway HTTP route names a host only TLS (passthrough) or TCP listeners serve, where HTTP routes do nothing',
    example: "[mesh/edge] [MESH0172] route host 'db.example.com' is served only by TLS or TCP listeners (443), which pass the stream through without reading HTTP, so an HTTP route would do nothing: serve the host on an HTTP or HTTPS listener, or route it with addTlsRoute() or addTcpRoute()",
    fix: 'serve the host on an HTTP or HTTPS listener, or route it with addTlsRoute() or addTcpRoute()',
  },
  MESH0173: {
    meaning: "a duration prop was given something that is not a cdk8s Duration (a string such as '5s', a plain object)",
    example: "[MESH0173] Timeout.of: duration '5s' is a string, not a Duration: make it with cdk8s's Duration, e.g. Duration.seconds(5)",
    fix: 'make the duration with Duration.seconds(...), Duration.millis(...) or another Duration factory of cdk8s',
  },
  MESH0174: {
    meaning: 'a uri exact or prefix match has a space, which no request path carries unencoded, so it matches nothing',
    example: "[mesh/split] [MESH0174] uri prefix '/a b' has a space, which no request path carries (clients send it as %20), so it would match nothing: write '/a%20b'",
    fix: 'percent-encode the space (%20), as clients send it',
  },
  MESH0175: {
    meaning: 'a RetryPolicy with attempts 0 (no retries) also gives perTryTimeout or retryOn, which istiod refuses',
    example: '[MESH0175] RetryPolicy.of: attempts 0 disables retries, so perTryTimeout and retryOn would do nothing (istiod refuses them): drop them, or give at least 1 attempt',
    fix: 'drop perTryTimeout and retryOn, or give at least 1 attempt',
  },
  MESH0176: {
    meaning: "a RateLimit's burst is below its requests, so fewer requests pass per window than asked",
    example: '[mesh/rl] [MESH0176] burst 5 is below requests 10: the bucket holds at most burst tokens, so only 5 requests would pass per window, give a burst of at least 10 (or leave it out)',
    fix: 'give a burst of at least requests, or leave it out',
  },
  MESH0181: {
    meaning: 'an ExternalService lists one host twice',
    example: "[mesh/ext] [MESH0181] host 'api.example.com' is listed twice: list each host once",
    fix: 'list each host once',
  },
  MESH0182: {
    meaning: 'an ExternalService host is a name inside the cluster (a Kubernetes service name)',
    example: "[mesh/ext] [MESH0182] host 'web.default.svc.cluster.local' is a name inside the cluster, which the mesh already knows: an ExternalService is for hosts outside it, name the service with MeshService.fromName()",
    fix: 'name a service in the cluster with MeshService.fromName(); an ExternalService is for hosts outside the cluster',
  },
  MESH0183: {
    meaning: 'an ExternalService has the name of a service of its mesh in the same namespace',
    example: "[mesh/ext] [MESH0183] name 'web' is the name of service mesh/web in namespace 'default': the ServiceEntry and the Service would share one name for two destinations, give the external service another name (e.g. 'web-external')",
    fix: "give the external service another name (e.g. '<name>-external')",
  },
  MESH0184: {
    meaning: 'an ExternalService port has the protocol of the other well-known port: HTTP on 443, or TLS/HTTPS on 80 (warning)',
    example: '[mesh/ext] [MESH0184] port 443 is HTTP, but clients call 443 with TLS (https://), which the proxy would read as plain HTTP and fail: make it Protocol.HTTPS or Protocol.TLS, or use port 80 for plain HTTP',
    fix: 'make 443 HTTPS or TLS and 80 HTTP, or use another port',
  },
  MESH0185: {
    meaning: 'an EgressScope is given both a service and a namespace',
    example: "[mesh/scope] [MESH0185] service 'web' and namespace 'default' are both given, but a scope is one service's workloads or a whole namespace's: drop namespace to scope the service, or service to scope the namespace",
    fix: 'drop namespace to scope the service, or service to scope the namespace',
  },
  MESH0186: {
    meaning: 'an EgressScope scopes or allows a service of another mesh',
    example: "[mesh/scope] [MESH0186] allowService() was given service 'web' of another mesh (other): allow a service of this mesh, or import it with MeshService.fromName()",
    fix: 'name a service of this mesh, or import it with MeshService.fromName()',
  },
  MESH0187: {
    meaning: 'the path of a consistent-hash cookie is not an absolute cookie path',
    example: "[MESH0187] LoadBalancer.consistentHashByCookie: path \"api\" is not an absolute path: a cookie path starts with '/' and has no spaces, ';' or control characters (RFC 6265), e.g. '/api'",
    fix: "start the path with '/', e.g. '/api'",
  },
  MESH0188: {
    meaning: 'a ServiceTrafficPolicy gives no setting, so it changes nothing',
    example: '[mesh/policy] [MESH0188] no setting is given, so the policy would change nothing: give timeout, retries, circuitBreaker, loadBalancer, connectionPool, outlierDetection or portPolicies, or remove it',
    fix: 'give timeout, retries, circuitBreaker, loadBalancer, connectionPool, outlierDetection or portPolicies, or remove the policy',
  },
  MESH0189: {
    meaning: 'an ingress gateway route host is not a host name',
    example: "[mesh/gw] [MESH0189] route host \"http://a.com\" is not a host name: use a lowercase name such as 'shop.example.com', '*.example.com' or '*', without scheme, port or path",
    fix: "use a lowercase host name such as 'shop.example.com', '*.example.com' or '*'",
  },
  MESH0190: {
    meaning: 'a port is in both proxy.includeInboundPorts and proxy.excludeInboundPorts (warning)',
    example: '[mesh/web] [MESH0190] proxy.includeInboundPorts and proxy.excludeInboundPorts both list 8080: with listed include ports Istio ignores excludeInboundPorts, so the proxy still takes that traffic, list each port in one of them',
    fix: 'list each port in one of them (to bypass the proxy, leave it out of includeInboundPorts)',
  },
  MESH0191: {
    meaning: "an ingress route's hosts are bound from different namespaces by the listeners' '<namespace>/<host>' hosts",
    example: "[mesh/gw] [MESH0191] route hosts a.example.com, b.example.com are bound from different namespaces (one, two) by the listeners' '<namespace>/<host>' hosts, but one route is one VirtualService in one namespace: add a route for each namespace's hosts",
    fix: "add a route for each namespace's hosts",
  },
  // 02xx: security (mTLS, access policies, the CA)
  MESH0200: {
    meaning: 'a scope has a second MtlsPolicy',
    example: "[mesh/b] [MESH0200] namespace 'apps' already has an MtlsPolicy (mesh/a): Istio honours one per scope, so set the mode and port overrides on that one",
    fix: 'set the mode and port overrides on the first policy',
  },
  MESH0201: {
    meaning: 'an MtlsPolicy is added for the whole mesh',
    example: "[mesh/p] [MESH0201] the mesh-wide mTLS mode is the Mesh's 'mtls' prop (now STRICT): set it there instead of adding an MtlsPolicy for the whole mesh",
    fix: "set the Mesh's mtls prop instead",
  },
  MESH0202: {
    meaning: 'an MtlsPolicy that is not workload-scoped overrides a port',
    example: "[mesh/p] [MESH0202] port 8080 override needs a workload scope, not namespace 'default': use PolicyScope.workload(service)",
    fix: 'use PolicyScope.workload(service)',
  },
  MESH0203: {
    meaning: 'a policy names a port the service does not have',
    example: "[mesh/p] [MESH0203] port 9999 is not a port of service 'web' (ports: 8080): name one of its ports",
    fix: "name one of the service's ports",
  },
  MESH0204: {
    meaning: 'an MtlsPolicy sets the mode of a port twice',
    example: '[mesh/p] [MESH0204] port 8080 already has a mode (DISABLE): set each port once',
    fix: 'set each port once',
  },
  MESH0205: {
    meaning: "an AccessPolicy's service or caller belongs to another mesh",
    example: "[mesh/b] [MESH0205] caller 'foreign' belongs to another mesh (mesh): import it into this mesh with MeshService.fromName()",
    fix: 'name a service of this mesh, or import it with MeshService.fromName()',
  },
  MESH0206: {
    meaning: 'denyByDefault() is called twice for one namespace',
    example: '[mesh] [MESH0206] denyByDefault() was already called for the whole mesh: call it once per namespace',
    fix: 'call it once per namespace',
  },
  MESH0207: {
    meaning: 'an ALLOW (AUDIT, CUSTOM) access rule with HTTP-only fields (methods, paths, hosts, a JWT, request conditions) allows no HTTP port',
    example: "[mesh/p] [MESH0207] methods and paths for caller 'web' need an HTTP port, but the ports allowed are tcp: drop methods and paths or allow an HTTP port",
    fix: 'drop methods and paths, or allow an HTTP port',
  },
  MESH0208: {
    meaning: 'an access rule path is not an Istio path pattern',
    example: "[mesh/p] [MESH0208] path '/a*b' is not an Istio path pattern: use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'",
    fix: "use an exact path ('/api'), a prefix ('/api/*'), a suffix ('*.css') or '*'",
  },
  MESH0209: {
    meaning: 'an AccessPolicy allows the same caller twice',
    example: "[mesh/p] [MESH0209] caller 'web' is already allowed: give it one rule with every method, path and port it needs",
    fix: 'give the caller one rule with every method, path and port it needs',
  },
  MESH0210: {
    meaning: 'retired: a service has a second AccessPolicy (a service may have several now; two writing one object are an error of their own)',
    example: "[mesh/b] [MESH0210] service 'api' already has an AccessPolicy (mesh/a): add callers to it with allowFrom()",
    fix: 'nothing: no check reports it any more',
    retired: true,
  },
  MESH0211: {
    meaning: 'an identity is revoked twice',
    example: "[mesh/RevokedIdentities] [MESH0211] identity 'cluster.local/ns/default/sa/web' is already revoked: revoke each identity once",
    fix: 'revoke each identity once',
  },
  MESH0212: {
    meaning: 'a certificate lifetime is not a whole number of milliseconds, or longer than a Go duration holds (2562047h)',
    example: '[MESH0212] CertificateAuthority: workloadCertTtl 31536000000s is longer than a Go duration holds (2562047h, about 292 years), so the cluster cannot read it: use a shorter one',
    fix: 'use a whole number of milliseconds, at most 2562047h (certificates of days or months, in practice)',
  },
  MESH0213: {
    meaning: "a policy's PolicyScope.workload() names a service of another mesh",
    example: "[mesh/mtls] [MESH0213] scope PolicyScope.workload() names service 'web' of another mesh (other): select a service of this mesh, or import it with MeshService.fromName()",
    fix: 'select a service of this mesh, or import it with MeshService.fromName()',
  },
  MESH0220: {
    meaning: 'a NetworkPeer address block is not a CIDR block',
    example: "[mesh/telemetry] [MESH0220] allowAccessFrom address block '10.0.0.0' is not a CIDR block: write an address and a prefix length, e.g. '10.0.0.0/16' or '2001:db8::/32'",
    fix: 'write an address and a prefix length',
  },
  MESH0225: {
    meaning: "a version relaxes its container's security context (runAsRoot, allowPrivilegeEscalation, addCapabilities, seccompProfile, readOnlyRootFilesystem); the warning names the Pod Security level its namespace falls to (warning)",
    example: "[mesh/web/v1] [MESH0225] runAsRoot true runs the container as root (runAsUser 0): namespace 'shop' falls to Pod Security 'baseline'; run it as a non-root user (user) if its image allows",
    fix: 'drop the relaxation if the application can do without it; otherwise accept the level its namespace is labelled with',
  },
  MESH0226: {
    meaning: 'a version sets both user (a non-root user id) and runAsRoot true',
    example: '[mesh/web/v1] [MESH0226] user 1000 contradicts runAsRoot true, which runs the container as user 0: drop user, or drop runAsRoot to run as user 1000',
    fix: 'keep one of them',
  },
  MESH0227: {
    meaning: "a version's addCapabilities names something that is not a Linux capability as Kubernetes names it (without 'CAP_')",
    example: "[mesh/web/v1] [MESH0227] addCapabilities 'CAP_NET_ADMIN' is not a Linux capability as Kubernetes names it: drop the 'CAP_' prefix: LinuxCapability.NET_ADMIN ('NET_ADMIN')",
    fix: 'use a LinuxCapability member',
  },
  MESH0228: {
    meaning: "SeccompProfile.localhost() was given an empty path, or one that leaves the kubelet's seccomp directory (absolute, or with '..')",
    example: "[MESH0228] SeccompProfile.localhost: path '/etc/seccomp.json' leaves the kubelet's seccomp directory: give a path relative to it, without a leading '/' or '..' (e.g. 'profiles/app.json')",
    fix: "give the profile's file relative to the kubelet's seccomp directory",
  },
  MESH0229: {
    meaning: 'NetworkPeer.pods() was given no labels, which would select every pod of the namespace',
    example: "[mesh/edge] [MESH0229] allowAccessFrom pods of namespace 'db' are given no labels, which would select every pod of the namespace: give the labels that select the pods, e.g. { app: 'web' }, or use NetworkPeer.namespace('db') to admit them all",
    fix: "give the pods' labels, or use NetworkPeer.namespace() to admit the whole namespace",
  },
  MESH0230: {
    meaning: "a NetworkPeer.cidr() except block is not strictly inside the block (another address family, a prefix no longer than the block's, or outside it), which the API server refuses",
    example: "[mesh/edge] [MESH0230] allowAccessFrom except block '192.168.0.0/24' is outside the block: the API server takes only except blocks strictly inside '10.0.0.0/16' (same address family, longer prefix), give such a block or drop it",
    fix: 'give except blocks inside the block, with a longer prefix, or drop them',
  },
  MESH0231: {
    meaning: "a version's podAnnotations set an AppArmor profile (container.apparmor.security.beta.kubernetes.io/*) other than 'runtime/default' or 'localhost/<profile>', which Pod Security 'baseline' forbids",
    example: "[mesh/web/v1] [MESH0231] podAnnotations 'container.apparmor.security.beta.kubernetes.io/web' is 'unconfined', an AppArmor profile Pod Security 'baseline' forbids, so the namespace would refuse the pods: use 'runtime/default' or a profile loaded on the nodes ('localhost/<profile>'), or drop the annotation",
    fix: "use 'runtime/default' or 'localhost/<profile>', or drop the annotation",
  },
  MESH0240: {
    meaning: "the istio-csr address of a cert-manager CA is not '<host>:<port>'",
    example: "[MESH0240] CertificateAuthority.certManager: istioCsrAddress 'https://csr' is not '<host>:<port>': use the address of istio-csr's service, e.g. 'cert-manager-istio-csr.cert-manager.svc:443'",
    fix: "use the address of istio-csr's service, e.g. 'cert-manager-istio-csr.cert-manager.svc:443'",
  },
  MESH0241: {
    meaning: 'a certificate lifetime is too short, or longer than its maximum',
    example: '[MESH0241] CertificateAuthority: workloadCertTtl 72h is longer than maxWorkloadCertTtl 24h: the CA would cut it short, lower it or raise the maximum',
    fix: 'give workload certificates at least a minute (a CA an hour), within the maximum',
  },
  MESH0242: {
    meaning: 'the issuer kind of a cert-manager CA is neither Issuer nor ClusterIssuer',
    example: "[MESH0242] CertificateAuthority.certManager: intermediateCa.issuerKind 'Vault' is not a cert-manager issuer kind: use 'Issuer' or 'ClusterIssuer'",
    fix: "use IssuerKind.ISSUER or IssuerKind.CLUSTER_ISSUER ('Issuer' or 'ClusterIssuer' from JavaScript)",
  },
  MESH0250: {
    meaning: 'Mesh.revokeIdentity() was given a service or gateway of another mesh',
    example: "[a] [MESH0250] revokeIdentity() was given 'web' (b/web), which belongs to another mesh: revoke an identity of this mesh, or import the service into it with MeshService.fromName()",
    fix: 'revoke an identity of this mesh, or import the service with MeshService.fromName()',
  },
  MESH0260: {
    meaning: "an imported service's podLabels is empty, which would select every pod of its namespace",
    example: "[mesh/legacy] [MESH0260] podLabels is empty, which would select every pod of its namespace: give the labels that select the service's pods, e.g. { app: 'legacy' }",
    fix: "give the labels that select the service's pods, or leave podLabels out",
  },
  MESH0261: {
    meaning: "an ingress gateway's allowAccessFrom is empty, so nothing could reach it",
    example: "[mesh/edge] [MESH0261] allowAccessFrom is empty, so nothing could reach the gateway: list who may, e.g. [NetworkPeer.cidr('203.0.113.0/24')], or leave it out to admit anyone",
    fix: 'list who may reach the gateway, or leave allowAccessFrom out to admit anyone',
  },
  MESH0262: {
    meaning: "an ingress gateway's allowAccessFrom is set in a mesh that renders no NetworkPolicies, so it would limit nothing",
    example: "[mesh/edge] [MESH0262] allowAccessFrom is set, but the mesh renders no NetworkPolicies, so it would admit anyone: turn the mesh's networkPolicies on, or leave allowAccessFrom out",
    fix: "turn the mesh's networkPolicies on, or leave allowAccessFrom out",
  },
  MESH0263: {
    meaning: 'warning: MeshService.allowEgressTo() in a mesh that renders no NetworkPolicies does nothing',
    example: "[mesh/web] [MESH0263] allowEgressTo(addresses 10.0.0.1/32) does nothing: the mesh renders no NetworkPolicies, so the service's pods may connect anywhere already: turn the mesh's networkPolicies on, or drop the call",
    fix: "turn the mesh's networkPolicies on, or drop the call",
  },
  MESH0264: {
    meaning: "cni.install is false and cni.namespace does not say where the cluster's CNI agent runs",
    example: "[mesh] [MESH0264] cni.install is false and cni.namespace does not say where the cluster's CNI agent runs: the mesh assumes the root namespace 'istio-system' (where Istio's chart installs it) and labels it privileged so the agent's pods are admitted, give cni.namespace (e.g. 'kube-system' or 'istio-cni')",
    fix: 'give cni.namespace: where the agent runs',
  },
  // 03xx: whole-mesh analysis of security and telemetry policies
  MESH0301: {
    meaning: 'an access rule names a caller by its mTLS identity on a port with mTLS DISABLE (analysis, error)',
    example: "[mesh/db-access] [MESH0301] caller 'web' is named by its mTLS identity, but service 'db' has mTLS DISABLE on port 8080, so no request there carries one and all are refused: use STRICT or PERMISSIVE for that service",
    fix: 'use STRICT or PERMISSIVE mTLS for that service',
  },
  MESH0302: {
    meaning: 'warning: an AccessPolicy allows no caller, so its service refuses every call',
    example: "[mesh/api-access] [MESH0302] allows no caller, so service 'api' refuses every call: add callers with allowFrom()",
    fix: 'add callers with allowFrom()',
  },
  MESH0303: {
    meaning: 'warning: a service under deny-by-default has no AccessPolicy, so nothing may call it',
    example: "[mesh/web] [MESH0303] service 'web' has no AccessPolicy under deny-by-default, so nothing may call it: allow its callers with an AccessPolicy",
    fix: 'allow its callers with an AccessPolicy',
  },
  MESH0304: {
    meaning: 'an ingress gateway routes to a service that refuses its calls (analysis, error)',
    example: "[mesh/edge] [MESH0304] routes to service 'web', which refuses the gateway's calls (its AccessPolicy does not allow it): allow the gateway, e.g. new AccessPolicy(..., { service, allow: [{ from: gateway }] })",
    fix: "allow the gateway in the service's AccessPolicy",
  },
  MESH0305: {
    meaning: "warning: the mesh's NetworkPolicies name an imported service's pods by an assumed app label",
    example: "[mesh/legacy] [MESH0305] service 'legacy' is imported and its pods' labels are unknown, so the NetworkPolicies name them by app=legacy in namespace 'old': give MeshService.fromName() its podLabels, or make sure its pods carry that label",
    fix: 'give MeshService.fromName() the podLabels of its pods, or label them app=<service name>',
  },
  MESH0306: {
    meaning: "warning: a service accepts calls from outside the mesh (mTLS not STRICT, no AccessPolicy), but its NetworkPolicy admits only the mesh's namespaces",
    example: "[mesh/web] [MESH0306] service 'web' has mTLS PERMISSIVE and no AccessPolicy, so its sidecar accepts calls from outside the mesh, but its NetworkPolicy admits only pods of the mesh's namespaces: call it through an ingress gateway, or set networkPolicies: false on the mesh",
    fix: "call the service through an ingress gateway, or turn the mesh's networkPolicies off",
  },
  MESH0310: {
    meaning: 'a TelemetryPolicy sets tracing in a mesh without a tracing provider (analysis, error)',
    example: "[mesh/Tracing] [MESH0310] tracing is set, but the mesh has no tracing backend to send spans to: add one with the TelemetryStack's tracing prop (e.g. tracing: TracingBackend.jaeger()), or drop tracing from this TelemetryPolicy",
    fix: "give the mesh's TelemetryStack a tracing backend (its tracing prop), or drop tracing from the policy",
  },
  MESH0311: {
    meaning: 'a TelemetryPolicy names a provider the mesh does not have (analysis, error)',
    example: "[mesh/ReviewsTelemetry] [MESH0311] tracing provider 'datadog' is not one of the mesh's tracing providers (jaeger): name one of them, or add it to the TelemetryStack",
    fix: "name one of the mesh's providers, or add it to the TelemetryStack",
  },
  // 04xx: telemetry (the stack, Prometheus, Grafana, tracing)
  MESH0400: {
    meaning: 'a mesh has a second TelemetryStack',
    example: '[mesh/Two] [MESH0400] the mesh already has a telemetry stack (mesh/One): a mesh has one; configure its parts there',
    fix: 'configure the parts on the first stack',
  },
  MESH0401: {
    meaning: 'a TelemetryStack sets samplingPercentage without a tracing backend',
    example: '[mesh/T] [MESH0401] samplingPercentage 5 is set without a tracing backend: add tracing: TracingBackend.jaeger() (or zipkin(), openTelemetry())',
    fix: 'add a tracing backend, or drop samplingPercentage',
  },
  MESH0402: {
    meaning: "Grafana or Kiali is enabled, but the stack's Prometheus they read is disabled",
    example: "[mesh/T] [MESH0402] grafana reads the stack's Prometheus, which is disabled: enable prometheus, or set grafana: { enabled: false }",
    fix: 'enable prometheus, or disable the part that reads it',
  },
  MESH0403: {
    meaning: "a tracing backend's providerName is one of the mesh's built-in providers",
    example: "[mesh/T] [MESH0403] tracing provider name 'envoy' is one of the mesh's built-in providers (prometheus, envoy): give it another providerName",
    fix: 'give it another providerName',
  },
  MESH0410: {
    meaning: 'a scope has a second TelemetryPolicy',
    example: '[mesh/Mine] [MESH0410] the whole mesh already has a TelemetryPolicy (mesh/Telemetry/MeshPolicy): Istio applies one Telemetry per scope, so set tracing and access logging on that one',
    fix: 'set tracing and access logging on the first policy',
  },
  MESH0411: {
    meaning: "a TelemetryPolicy's access log filter is empty",
    example: "[mesh/P] [MESH0411] accessLogging.filter is empty: give a CEL expression such as 'response.code >= 400', or leave it out to log every request",
    fix: 'give a CEL expression, or leave the filter out to log every request',
  },
  MESH0420: {
    meaning: 'Grafana is asked for dashboards of a service that is not a MeshService of its mesh',
    example: "[mesh-telemetry/Grafana] [MESH0420] service 'payments' (other/payments) is not a MeshService of mesh 'mesh', so its versions are unknown: name services defined with new MeshService() in this mesh",
    fix: 'name services defined with new MeshService() in this mesh',
  },
  MESH0421: {
    meaning: 'a Prometheus storage size is below 1Mi or not a whole number of MiB',
    example: '[mesh-telemetry/Prometheus] [MESH0421] retentionSize 1500Ki is not a whole number of MiB: use Size.mebibytes() or Size.gibibytes()',
    fix: 'use Size.mebibytes() or Size.gibibytes(), at least 1Mi',
  },
  MESH0422: {
    meaning: 'a Prometheus retention or scrape interval is below a second',
    example: '[mesh-telemetry/Prometheus] [MESH0422] scrapeInterval 500ms is below a second: scrape at most once a second',
    fix: 'use at least a second',
  },
  MESH0423: {
    meaning: 'a count of a tracing backend is not a whole number of at least 1',
    example: '[mesh-telemetry/Tracing] [MESH0423] maxTraces 0 is invalid: use a whole number of at least 1',
    fix: 'use a whole number of at least 1',
  },
  MESH0424: {
    meaning: 'the image of a telemetry component is not an image repository (it has a tag, or invalid characters)',
    example: "[mesh-telemetry/Tracing] [MESH0424] image 'jaegertracing/jaeger:2.14.0' is not an image repository: give one without tag, e.g. 'registry.example.com/team/jaeger'",
    fix: 'give the repository without tag; set the tag with version',
  },
  MESH0430: {
    meaning: 'a Prometheus retention or scrape interval is not a whole number of milliseconds, or longer than a Go duration holds (2562047h)',
    example: '[mesh-telemetry/Prometheus] [MESH0430] scrapeInterval 1.5 millis is not a whole number of milliseconds: durations are written to the millisecond, round it',
    fix: 'use a whole number of milliseconds, at most 2562047h',
  },
  MESH0431: {
    meaning: "a TelemetryPolicy's access log filter is not a CEL expression",
    example: "[mesh/logs] [MESH0431] accessLogging.filter 'response.code >=' is not a CEL expression (at 1:15: found > but expecting end of input): write one such as 'response.code >= 400'",
    fix: "write a CEL expression such as 'response.code >= 400'",
  },
  MESH0432: {
    meaning: "a TelemetryPolicy's access log filter is given with access logging disabled",
    example: '[mesh/logs] [MESH0432] accessLogging.filter is given with enabled false, which logs nothing, so the filter would do nothing: drop the filter, or enable logging',
    fix: 'drop the filter, or enable logging',
  },
  MESH0433: {
    meaning: "a TelemetryPolicy's tracing sets a sampling percentage with span reporting disabled",
    example: '[mesh/policy] [MESH0433] tracing.samplingPercentage 10 is given with disabled true, which reports no span of these workloads: drop samplingPercentage, or drop disabled',
    fix: 'drop samplingPercentage, or drop disabled',
  },
  MESH0434: {
    meaning: 'a TelemetryPolicy sets neither tracing nor access logging',
    example: '[mesh/policy] [MESH0434] the policy sets neither tracing nor accessLogging, so it changes nothing: set one of them, or remove the policy',
    fix: 'set tracing or accessLogging, or remove the policy',
  },
  MESH0435: {
    meaning: "Prometheus's retentionSize is above the size of its persistent volume",
    example: "[mesh-telemetry/Prometheus] [MESH0435] retentionSize 50Gi is above the volume's size 10Gi, so the volume fills before Prometheus deletes old samples: give a retentionSize below the volume size (leave room for the write-ahead log), or a larger volume",
    fix: 'give a retentionSize below the volume size, or a larger volume',
  },
  MESH0436: {
    meaning: 'a telemetry option lists a namespace or a service twice',
    example: "[mesh-telemetry/Prometheus] [MESH0436] extraNamespaces lists 'other' twice: list each namespace once",
    fix: 'list each once',
  },
  MESH0437: {
    meaning: "Kiali's grafanaExternalUrl is not an absolute http or https URL",
    example: "[mesh-telemetry/Kiali] [MESH0437] grafanaExternalUrl 'not a url' is not an absolute http or https URL: give the URL users open Grafana at, e.g. 'https://grafana.example.com'",
    fix: "give an absolute http(s) URL such as 'https://grafana.example.com'",
  },
  MESH0438: {
    meaning: "a TelemetryPolicy's access log filter does not give a boolean, so Envoy logs nothing",
    example: "[mesh/logs] [MESH0438] accessLogging.filter 'response.code + 1' gives an int, and Envoy logs a request only when the filter is true, so nothing would be logged: write a condition such as 'response.code >= 400'",
    fix: "write a condition such as 'response.code >= 400'",
  },
  MESH0440: {
    meaning: "Grafana's anonymousRole is above Viewer: anyone who reaches Grafana could edit dashboards (Editor) or users and data sources (Admin) without logging in",
    example: "[mesh-telemetry/Grafana] [MESH0440] anonymousRole 'Editor' lets anyone who reaches Grafana change it without logging in: anonymous visitors are at most viewers, use GrafanaRole.VIEWER (and an adminSecretName to log in and edit)",
    fix: 'use GrafanaRole.VIEWER, and give an adminSecretName for a login that may edit',
  },
  MESH0441: {
    meaning: 'allowAccessFrom is given while the telemetry stack renders no NetworkPolicies, so it admits no one who was not already admitted',
    example: '[mesh/telemetry] [MESH0441] grafana.allowAccessFrom is given with networkPolicies false, so no NetworkPolicy limits who reaches Grafana and the peers change nothing: drop allowAccessFrom, or leave networkPolicies on',
    fix: 'drop allowAccessFrom, or leave networkPolicies on',
  },
  // 05xx: the Pulumi adapter (packages/pulumi)
  MESH0500: {
    meaning: 'a release source is neither a cdk8s App, a Mesh nor a Chart',
    example: '[MESH0500] loose: a release deploys a cdk8s App, a Mesh or a Chart, and this construct is none of them: pass the App (every chart), the Mesh (every layer of the mesh) or one Chart',
    fix: 'pass the App, the Mesh or one Chart',
  },
  MESH0501: {
    meaning: 'a synthesized object has no apiVersion, kind or metadata.name',
    example: '[MESH0501] chart/config: the object has no apiVersion, kind or metadata.name after synthesis: every object needs all three (a Pulumi resource is named after the object), so check the JSON patches applied to it',
    fix: 'check the JSON patches applied to the object',
  },
  MESH0502: {
    meaning: "a release's namespace may or may not apply to an object of a custom kind whose CRD the release lacks",
    example: "[MESH0502] chart/mystery: Mystery 'mystery' names no namespace, and its kind is neither built into Kubernetes nor defined by a CustomResourceDefinition of this release, so whether the release's namespace 'team' applies is unknown: set metadata.namespace on it, or add its CRD to the App",
    fix: 'set metadata.namespace on the object, or add its CRD to the App',
  },
  MESH0503: {
    meaning: 'two objects of a release have the same kind, namespace and name',
    example: "[MESH0503] two/again: ConfigMap 'default/config' is also synthesized by 'one/config': Kubernetes keeps one object per kind, namespace and name, so rename one of them",
    fix: 'rename one of them',
  },
  MESH0504: {
    meaning: 'the charts or objects of a release depend on each other in a cycle',
    example: "[MESH0504] <root>: these depend on each other in a cycle, so no order can deploy them: chart 'a' -> chart 'b' -> chart 'a'; remove one of the dependencies",
    fix: 'remove one of the dependencies',
  },
  MESH0505: {
    meaning: "an object has a field that @pulumi/kubernetes's typed resource would drop",
    example: "[MESH0505] chart/config: kubernetes:core/v1:ConfigMap in @pulumi/kubernetes has no input for 'dataa', so the field would not reach the cluster: upgrade @pulumi/kubernetes, or move the field where the kind has it",
    fix: 'upgrade @pulumi/kubernetes, or move the field where the kind has it',
  },
  MESH0506: {
    meaning: 'a release source synthesizes no object',
    example: '[MESH0506] <root>: the source synthesizes no object, so the release would deploy nothing: create the Mesh (or your charts) in the App before the release',
    fix: 'create the Mesh (or your charts) in the App before the release',
  },
  MESH0507: {
    meaning: "a MeshRelease's namespace is not a namespace name",
    example: "[MESH0507] MeshRelease r: namespace 'Bad NS' is not a namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    fix: 'use a DNS label: at most 63 lowercase letters, digits and -',
  },
  MESH0508: {
    meaning: "a MeshRelease's resourcePrefix is empty or holds a control character",
    example: "[MESH0508] MeshRelease r: resourcePrefix '' is empty: give a prefix such as 'bookinfo', or leave it out to use the release's name",
    fix: "give a non-empty prefix without control characters, or leave it out to use the release's name",
  },
  MESH0509: {
    meaning: "a MeshRelease's skipAwait is not a boolean",
    example: "[MESH0509] MeshRelease r: skipAwait 'yes' is not a boolean: pass true or false",
    fix: 'pass true or false',
  },
  // 060x: testing (MeshTesting's policy and routing assertions)
  MESH0600: {
    meaning: 'a policy or route the assertion must evaluate has a field it does not model, so it cannot answer',
    example: "[MESH0600] MeshTesting.canCall: AuthorizationPolicy default/api has rule 1 when[0] key 'experimental.envoy.filters.network.mysql_proxy[db.table]', which this evaluation cannot decide (only request.headers[...], source.ip, remote.ip, source.namespace, source.principal, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[...], destination.ip, destination.port, connection.sni are modelled): test that policy against a cluster, or leave it out of the manifests given",
    fix: 'test that policy or route against a cluster, or leave it out of the manifests given',
  },
  MESH0601: {
    meaning: 'the manifests hold no Service, or no workload (of the version named), for a service the assertion names',
    example: "[MESH0601] MeshTesting.canCall: service 'web' has no workload with the label version=v9 in the manifests (versions: v1): name a version the service has",
    fix: 'give the manifests of this mesh, and name a version the service has',
  },
  MESH0602: {
    meaning: 'the versions of a caller or of the called service get different answers, so one answer would be wrong for some',
    example: "[MESH0602] MeshTesting.canCall: the versions of 'web' and 'api' get different answers (Deployment default/web-v1 (cluster.local/ns/default/sa/web) -> Deployment default/api-v1: allowed; Deployment default/web-v1 (cluster.local/ns/default/sa/web) -> Deployment default/api-v2: denied): give fromVersion and toVersion",
    fix: 'give fromVersion and toVersion',
  },
  MESH0603: {
    meaning: "an assertion's request is not one the service can receive (unknown option, port, path or method), or routeFor() names a gateway as the caller",
    example: "[MESH0603] MeshTesting.canCall: port 9999 is not a port of Service 'default/api' (ports: 8080): give one of its ports",
    fix: "give one of the service's ports, a path starting with '/', an HttpMethod and the options listed",
  },
  MESH0604: {
    meaning: 'allowedCallers() was asked for a service every caller may call, which a list of principals cannot say',
    example: "[MESH0604] MeshTesting.allowedCallers: every caller may call 'db' (no ALLOW policy applies to it), which a list of principals cannot say: use MeshTesting.canCall(mesh, caller, db) instead",
    fix: 'use MeshTesting.canCall()',
  },
  MESH0605: {
    meaning: 'a route sends requests to a host, subset or version that nothing serves, so they would fail',
    example: "[MESH0605] MeshTesting.routeFor: a route sends requests to subset 'v4' of 'api.default.svc.cluster.local', which no DestinationRule defines (subsets: v1, v2), so those requests would fail with 503: define the subset",
    fix: 'define the subset in the DestinationRule, add the version, or route elsewhere',
  },
  MESH0606: {
    meaning: 'several VirtualServices route one host inside the mesh, and Istio uses only one of them',
    example: "[MESH0606] MeshTesting.routeFor: VirtualServices default/api, default/api-extra all route host 'api.default.svc.cluster.local' inside the mesh, and Istio uses only one of them: give each host one VirtualService",
    fix: 'give each host one VirtualService',
  },
  // 061x: the picture of the mesh (MeshDiagram)
  MESH0610: {
    meaning: "a MeshDiagram's formats is empty",
    example: '[bookinfo/diagram] [MESH0610] formats is empty, so no picture would be written: list at least one, e.g. [DiagramFormat.SVG], or leave it out for all three',
    fix: 'list at least one DiagramFormat, or leave formats out for all three',
  },
  MESH0611: {
    meaning: 'Graphviz (WebAssembly) could not render the SVG picture of the mesh',
    example: "[MESH0611] MeshDiagram.svg: Graphviz could not render the picture (syntax error in line 1 near '}'): write the DOT text (DiagramFormat.DOT) and render it with the dot command",
    fix: 'write the DOT text (DiagramFormat.DOT) and render it with the dot command; report the DOT text that fails',
  },
  MESH0612: {
    meaning: 'a mesh has two MeshDiagrams, which would write the same files',
    example: '[bookinfo/diagram2] [MESH0612] the mesh already has a MeshDiagram (bookinfo/diagram), which writes the same files: give that one every format you need',
    fix: 'keep one MeshDiagram per mesh, with every format you need',
  },
  MESH0613: {
    meaning: 'a MeshDiagram is in a construct tree whose root is not a cdk8s App, so nothing would write it',
    example: "[mesh/diagram] [MESH0613] the construct tree's root (Construct) is not a cdk8s App, so nothing would write the picture: create the Mesh in an App, or call MeshDiagram.svg(mesh) and write it yourself",
    fix: 'create the Mesh in a cdk8s App, or call MeshDiagram.svg(mesh) (or mermaid, dot) and write the text yourself',
  },
  // 07xx: adopting an existing Istio, Gateway API, applying the output
  MESH0700: {
    meaning: 'installCrds is true on a mesh that adopts an existing Istio, which owns its CRDs',
    example: '[mesh] [MESH0700] installCrds is true beside existingIstio, but the installed Istio owns its CRDs (and their version): leave installCrds out',
    fix: 'leave installCrds out: the installation manages the CRDs',
  },
  MESH0701: {
    meaning: 'controlPlane is set on a mesh that adopts an existing Istio, which renders no control plane',
    example: '[mesh] [MESH0701] controlPlane is set beside existingIstio, but the mesh renders no control plane of its own: configure istiod where Istio is installed (istioctl or Helm values), and leave controlPlane out',
    fix: 'configure istiod where Istio is installed (istioctl or Helm values); choose the revision with existingIstio.revision',
  },
  MESH0702: {
    meaning: 'cni is set on a mesh that adopts an existing Istio, which installs no CNI node agent',
    example: "[mesh] [MESH0702] cni is set beside existingIstio, but the mesh installs no Istio CNI node agent: install it with Istio's istio-cni chart, and say whether the installation uses it with existingIstio.cni",
    fix: "install the agent with Istio's istio-cni chart, and set existingIstio.cni to true",
  },
  MESH0703: {
    meaning: 'addControlPlane() is called on a mesh that adopts an existing Istio',
    example: "[mesh] [MESH0703] addControlPlane('canary') adds a control plane, but the mesh adopts an existing Istio and renders none: install the revision with istioctl or Helm, and list it in existingIstio.revisions",
    fix: 'install the revision with istioctl or Helm, and list it in existingIstio.revisions',
  },
  MESH0704: {
    meaning: 'existingIstio is not an ExistingIstioOptions object',
    example: "[mesh] [MESH0704] existingIstio true is not ExistingIstioOptions: give an object such as { revision: 'canary' }, or {} for the installation's default revision",
    fix: "give an object such as { revision: 'canary' }, or {} for the installation's default revision",
  },
  MESH0705: {
    meaning: 'existingIstio.revisions lists a revision twice, or the one existingIstio.revision names',
    example: "[mesh] [MESH0705] existingIstio.revisions lists revision 'canary' that existingIstio.revision already names: list each other revision once",
    fix: 'list each other installed revision once',
  },
  MESH0706: {
    meaning: "a mesh that adopts an existing Istio needs mesh config settings it cannot write (the installation's)",
    example: '[mesh] [MESH0706] the mesh adopts an existing Istio, whose mesh config it cannot change, and needs outboundTrafficPolicy there: add to the installation\'s values (istioctl or Helm) {"meshConfig":{"outboundTrafficPolicy":{"mode":"REGISTRY_ONLY"}}}',
    fix: "add the settings shown to the installation's meshConfig (istioctl or Helm values)",
  },
  MESH0707: {
    meaning: 'a gateway that exists already is given options that configure a workload the mesh would deploy',
    example: "[mesh/edge] [MESH0707] replicas is set beside existing, but the gateway's workload is installed by other means, which configure it: set them where the gateway is installed, or leave existing out to have the mesh deploy the gateway",
    fix: 'set them where the gateway is installed, or leave existing out to have the mesh deploy the gateway',
  },
  MESH0708: {
    meaning: "a gateway that exists already has no selector for the installed gateway's pods",
    example: "[mesh/edge] [MESH0708] existing.selector is empty, so the Gateway would select no installed pods: give the labels of the installed gateway's pods, e.g. { istio: 'ingressgateway' }",
    fix: "give the labels of the installed gateway's pods, e.g. { istio: 'ingressgateway' }",
  },
  // 072x-073x: route actions, gateway routes through a service's routing, TLS and TCP routes at the ingress
  MESH0720: {
    meaning: "a route's header changes name a header that is no HTTP header name, a pseudo-header or Host, which istiod refuses to change",
    example: "[mesh/split] [MESH0720] route 'canary' headers.request.set names pseudo-header ':path', which Envoy cannot change (istiod refuses it): rewrite the path with rewrite, or leave it out",
    fix: 'name a header by its HTTP name (letters, digits and -); change the host with rewrite.host and the path with rewrite',
  },
  MESH0721: {
    meaning: "a route's header change has a value with a control character or a single '%', which istiod refuses",
    example: "[mesh/split] [MESH0721] route 'canary' headers.response.set header 'x-load' value \"100%\" has a single '%', which Envoy reads as the start of a variable (istiod refuses it): write '%%' for a percent sign",
    fix: "remove the control character; write '%%' for a percent sign",
  },
  MESH0722: {
    meaning: 'a route both changes and removes one header',
    example: "[mesh/split] [MESH0722] route 'canary' headers.request both changes and removes header 'x-debug': Envoy would apply one of them, drop the other",
    fix: 'keep either the change or the removal',
  },
  MESH0723: {
    meaning: "a route's rewrite is empty, has both paths, is not a path or host, or replaces a prefix the route does not match by prefix",
    example: "[mesh/split] [MESH0723] route 'api' rewrite.pathPrefix replaces the path prefix the route matched, but a match matches the path by exact '/login': match every path with StringMatch.prefix(...), or use rewrite.fullPath",
    fix: 'match every path of the route by prefix, or use rewrite.fullPath; give one of pathPrefix and fullPath, as a path starting with /',
  },
  MESH0724: {
    meaning: 'a route redirects and also has a destination, a mirror, a fault, a rewrite, a timeout or retries',
    example: "[mesh/split] [MESH0724] route 'old' has a redirect and targets: a redirect answers the request itself, so it goes nowhere and nothing else of the route applies, drop it or the redirect",
    fix: 'drop the redirect, or what the route has beside it',
  },
  MESH0725: {
    meaning: "a route's redirect changes nothing, or has a scheme, host, port, path or status Envoy cannot redirect with",
    example: "[mesh/split] [MESH0725] route 'old' redirect.statusCode 304 is not a redirect status Envoy answers with: use 301, 302, 303, 307, 308",
    fix: "use scheme 'http' or 'https', a port from 1 to 65535, a status of 301, 302, 303, 307 or 308 and a path starting with /",
  },
  MESH0726: {
    meaning: "a route redirects by path prefix, which Istio's VirtualService cannot render",
    example: "[mesh/split] [MESH0726] route 'old' redirect.pathPrefix cannot be rendered in Istio's VirtualService, which redirects only to a whole path: use redirect.fullPath, or render routing with the Gateway API (the mesh's routingApi)",
    fix: "use redirect.fullPath, or render routing with the Gateway API (the mesh's routingApi), whose ReplacePrefixMatch takes it",
  },
  MESH0728: {
    meaning: "a gateway route and its service's split route both match (or rewrite) the path, one by a regex, so the paths they both take cannot be told (analysis, error)",
    example: "[mesh/gw] [MESH0728] the route to service 'reviews' and route 'api' of TrafficSplit 'mesh/split' both match the path, one by a regex, so which requests both take cannot be told: match paths by prefix or exact in one of them, or route the gateway to those paths separately",
    fix: 'match paths by prefix or exact in the gateway route or the split route',
  },
  MESH0729: {
    meaning: 'warning: a split route matches on the calling service, so ingress traffic through a gateway route bypasses it',
    example: "[mesh/gw] [MESH0729] the route to service 'reviews' leaves out route 'from-web' of TrafficSplit 'mesh/split': requests through the gateway come from the gateway, never from service 'web', so ingress traffic bypasses that route: match ingress traffic on headers or paths, or accept that the gateway skips it",
    fix: 'match ingress traffic on headers or paths, or accept that the gateway skips the route',
  },
  MESH0730: {
    meaning: 'warning: a split route matches no path of a gateway route to its service, so ingress traffic through that gateway route bypasses it',
    example: "[mesh/gw] [MESH0730] route 'api' of TrafficSplit 'mesh/split' matches no path the route to service 'reviews' takes (prefix '/shop'), so ingress traffic bypasses it: give the gateway route the paths the split route matches, or change the split route's matches",
    fix: "give the gateway route the paths the split route matches, or change the split route's matches",
  },
  MESH0731: {
    meaning: "warning: no route of a service's split takes the requests of a gateway route to it, so they get 404",
    example: "[mesh/gw] [MESH0731] the route to service 'reviews' goes through no route of TrafficSplit 'mesh/split', so requests to it through the gateway get 404: give the split a route ingress traffic matches, or route the gateway elsewhere",
    fix: 'give the split a route ingress traffic matches, or route the gateway elsewhere',
  },
  MESH0732: {
    meaning: "a gateway route's actions and its service's split route's cannot be combined into one route (analysis, error)",
    example: "[mesh/gw] [MESH0732] the route to service 'reviews' rewrites requests that route 'old' of TrafficSplit 'mesh/split' redirects, and a route cannot both rewrite and redirect (istiod refuses it): drop the gateway route's rewrite, or route those paths separately",
    fix: 'change the thing in one of the two routes only',
  },
  MESH0733: {
    meaning: "an ingress TLS route's host is empty, not a host name, not served by a TLS listener, or already routed",
    example: "[mesh/gw] [MESH0733] TLS route host 'db.example.com' is not served by a TLS listener of the gateway (it has none): add the host to a listener with protocol Protocol.TLS",
    fix: 'add the host to a TLS listener, and route each SNI host once',
  },
  MESH0734: {
    meaning: "an ingress TCP route's port is not a TCP listener of the gateway, or the listener already has a TCP route",
    example: "[mesh/gw] [MESH0734] TCP route port 5432 is not a TCP listener of the gateway (listeners: 80 HTTP): add { port: 5432, protocol: Protocol.TCP } to its listeners, or route a TCP listener's port",
    fix: 'route a TCP listener, once',
  },
  MESH0735: {
    meaning: "an ingress TLS or TCP route's service port does not carry what the route passes on, or the service has not exactly one such port",
    example: "[mesh/gw] [MESH0735] servicePort 8080 of service 'db' is http, but this route passes the stream on unread: choose a TCP or TLS port",
    fix: 'choose a TLS or HTTPS port for a TLS route, a TCP or TLS port for a TCP route',
  },
  // 074x-076x: routing rendered with the Kubernetes Gateway API (the mesh's routingApi)
  MESH0740: {
    meaning: 'a route injects faults (a delay or an abort), which the Gateway API cannot express',
    example: "[mesh/ratings-routes] [MESH0740] route 'jason-delay' injects a fault (a 7s delay), which the Gateway API cannot express, so service 'ratings' cannot be routed with it: drop the fault, or set the mesh's allowIstioApiFallback to keep this service's routing in Istio's API",
    fix: "drop the fault, or set the mesh's allowIstioApiFallback so that this one object stays in Istio's API",
  },
  MESH0741: {
    meaning: 'a route matches on the calling service (sourceService), which the Gateway API cannot express',
    example: "[mesh/api-routes] [MESH0741] route 'from-web' matches the calling service 'web', which the Gateway API cannot express, so service 'api' cannot be routed with it: match on a header the caller sets, or set the mesh's allowIstioApiFallback",
    fix: "match on a header the caller sets instead, or set the mesh's allowIstioApiFallback",
  },
  MESH0742: {
    meaning: 'a retry policy retries on a condition the Gateway API has no form for (it retries on status codes only)',
    example: "[mesh/api] [MESH0742] the default route retries on 'reset', which the Gateway API cannot express (it retries on status codes, and Istio adds connect-failure, refused-stream, unavailable and cancelled), so service 'api' cannot be routed with it: use RetryOn.GATEWAY_ERROR or status codes, or set the mesh's allowIstioApiFallback",
    fix: "retry on RetryOn.GATEWAY_ERROR, RetryOn.RETRIABLE_4XX, connect failures or refused streams only, or set the mesh's allowIstioApiFallback",
  },
  MESH0743: {
    meaning: 'a match, rewrite or redirect has a form the Gateway API cannot express',
    example: "[mesh/api-routes] [MESH0743] route 'v2' replaces the path prefix, which the Gateway API allows only in a rule with exactly one path prefix match (it has 2 matches), so service 'api' cannot be routed with it: give the route one prefix path, or set the mesh's allowIstioApiFallback",
    fix: "use a form the Gateway API has (the message names it), or set the mesh's allowIstioApiFallback",
  },
  MESH0744: {
    meaning: 'an egress gateway, which the Gateway API cannot express, is in a mesh whose routing is rendered with it',
    example: "[mesh/egress] [MESH0744] an egress gateway (routing external services 'payments') cannot be expressed in the Gateway API: set the mesh's allowIstioApiFallback to keep it in Istio's API, or call the external services directly",
    fix: "set the mesh's allowIstioApiFallback to keep the egress gateway in Istio's API, or call the external services directly",
  },
  MESH0745: {
    meaning: "warning: an object's routing stays in Istio's API, because the Gateway API cannot express it and the mesh allows the fallback",
    example: "[mesh/ratings] [MESH0745] routing stays in Istio's API (VirtualService and DestinationRule with subsets), because the Gateway API cannot express it: route 'jason-delay' injects a fault (a 7s delay)",
    fix: 'nothing, if intended; else remove what the Gateway API cannot express (the message names it)',
  },
  MESH0746: {
    meaning: 'the Gateway API would send some requests to another rule than the order the routes were written in does (it orders rules by how specific their matches are)',
    example: "[mesh/api-routes] [MESH0746] route 2 (path prefix '/api/v2') is more specific than route 1 (path prefix '/api'), so the Gateway API would try it first and send requests such as '/api/v2' elsewhere than Istio's written order does: write route 2 before route 1",
    fix: 'write the more specific route first, so that both APIs try the routes in the same order',
  },
  MESH0747: {
    meaning: 'the Service a version is routed through in the Gateway API (<service>-<version>) has the name of another service',
    example: "[mesh/reviews] [MESH0747] version 'v1' is routed through a Service 'reviews-v1' (the Gateway API has no subsets), but service 'reviews-v1' in namespace 'default' has that name: rename one of them",
    fix: 'rename the service or the version, so that <service>-<version> names no other service',
  },
  MESH0748: {
    meaning: 'the Service a version is routed through in the Gateway API (<service>-<version>) would have a name longer than 63 characters',
    example: "[mesh/reviews] [MESH0748] version 'a-very-long-version-name' is routed through a Service named 'reviews-a-very-long-version-name-...' (64 characters), longer than a Service name may be (63): shorten the service or version name",
    fix: 'shorten the service or version name',
  },
  MESH0749: {
    meaning: 'a route object would have more rules or matches than the Gateway API allows (16 rules, 64 matches per rule, 128 matches in all)',
    example: "[mesh/api-routes] [MESH0749] service 'api' has 17 routes, more than one HTTPRoute may hold (16): merge routes, or set the mesh's allowIstioApiFallback",
    fix: "merge routes (one route may have several matches), or set the mesh's allowIstioApiFallback",
  },
  MESH0750: {
    meaning: 'a route to a gRPC port uses something a GRPCRoute cannot express (a path that is not a gRPC method, a timeout, retries, a rewrite or a redirect)',
    example: "[mesh/grpc-api] [MESH0750] the default route sets a timeout, which a GRPCRoute (port 9000 of service 'grpc-api' is gRPC) cannot express: drop it, or set the mesh's allowIstioApiFallback",
    fix: "drop what the message names, or set the mesh's allowIstioApiFallback",
  },
  // Applying the output: the kubectl apply script and Argo CD sync waves (0770-0779).
  MESH0770: {
    meaning: 'an ApplyScript is asked for an App that writes its charts into one file, or one file per object, so no order can apply CRDs first',
    example: '[apply] [MESH0770] the App writes every chart into one file (yamlOutputType FILE_PER_APP), so no order of commands can apply the CRDs before the objects that use them: use YamlOutputType.FILE_PER_CHART (the default) or FOLDER_PER_CHART_FILE_PER_RESOURCE',
    fix: 'leave the App\'s yamlOutputType at FILE_PER_CHART (the default), or use FOLDER_PER_CHART_FILE_PER_RESOURCE',
  },
  MESH0771: {
    meaning: 'an App has two ApplyScripts, which would write scripts for the same charts',
    example: '[apply2] [MESH0771] the App already has an ApplyScript (apply): one script applies every chart of the App, keep one',
    fix: 'keep one ApplyScript per App',
  },
  MESH0772: {
    meaning: 'an ApplyScript is not in a cdk8s App (or ApplyScript.render is given something else), so nothing would write it',
    example: "[apply] [MESH0772] the construct tree's root (Construct) is not a cdk8s App, so nothing would write the script: create it in the App (new ApplyScript(app, 'apply')), or call ApplyScript.render(app) and write it yourself",
    fix: 'create the ApplyScript in the App the mesh is in, or call ApplyScript.render(app) and write the text yourself',
  },
  MESH0773: {
    meaning: 'an ApplyScript\'s fileName has a directory, is empty, or ends in .yaml, .yml or .json (kubectl apply -f dist/ would read it)',
    example: "[apply] [MESH0773] fileName 'apply.yaml' is not a file name the script can have: give a name without a directory that does not end in .yaml, .yml or .json (kubectl apply -f dist/ would read it as manifests), e.g. 'apply.sh'",
    fix: 'give a plain file name such as \'apply.sh\'',
  },
  MESH0774: {
    meaning: 'an ApplyScript\'s timeout is below a second, or not a whole number of milliseconds',
    example: '[apply] [MESH0774] timeout 500ms is below a second: kubectl would give up at once, give at least Duration.seconds(1) (the default is 5 minutes)',
    fix: 'give a timeout of a second or more, e.g. Duration.minutes(5)',
  },
  MESH0775: {
    meaning: 'with argoCdSyncWaves, an object of the mesh carries its own argocd.argoproj.io/sync-wave annotation that is not an integer, which Argo CD ignores',
    example: "[bookinfo] [MESH0775] bookinfo/reviews/Service: annotation argocd.argoproj.io/sync-wave 'early' is not an integer, so Argo CD ignores it and syncs the object in wave 0: give a whole number such as '-1', or remove the annotation to keep the layer's wave (0)",
    fix: 'give the annotation a whole number, or remove it so the object takes its layer\'s wave',
  },
  MESH0800: {
    meaning: "a QueryParamMatch names a parameter or value no request can carry (empty, or with '&', '=', '#', spaces or control characters)",
    example: '[MESH0800] QueryParamMatch.exact: query parameter \'a\' has no value to match: give one, or match its presence with QueryParamMatch.present(\'a\')',
    fix: 'give a parameter name and value as the request carries them; match a parameter without value with QueryParamMatch.present(name)',
  },
  MESH0801: {
    meaning: 'a match lists a query parameter or an excluded header twice, or both requires and excludes one header, so it takes no request',
    example: '[mesh/split] [MESH0801] queryParams names \'a\' twice in one match: list it once (use several matches for OR)',
    fix: 'list each name once, and require or exclude a header, not both',
  },
  MESH0802: {
    meaning: 'a match on the scheme or authority can match no request (a scheme other than http or https, an authority with upper-case letters)',
    example: '[mesh/split] [MESH0802] scheme exact \'HTTPS\' is not a scheme a request carries (Envoy compares \':scheme\', case-sensitive, \'http\' or \'https\'), so it matches nothing: use \'http\' or \'https\'',
    fix: "match the scheme 'http' or 'https', and the authority in lower case",
  },
  MESH0803: {
    meaning: "a match's port is not a port, or not a port of the routed service",
    example: '[mesh/split] [MESH0803] route 1 matches port 9090, which is not a port of service \'web\' (ports: 8080), so it takes no request: match one of them',
    fix: 'match on a port the service declares',
  },
  MESH0804: {
    meaning: "a match's sourceVersion is given without sourceService, is not a version name, or is not a version the calling service declares",
    example: '[mesh/split] [MESH0804] sourceVersion \'v3\' is not a version of service \'caller\' (versions: v1, v2), so no caller matches: name one of them',
    fix: 'name the calling service with sourceService, and one of its versions',
  },
  MESH0805: {
    meaning: "a match's sourceLabels or sourceNamespace is not valid, or contradicts sourceService or sourceVersion, so no caller matches",
    example: '[mesh/split] [MESH0805] sourceNamespace \'other\' is not the namespace of sourceService \'caller\' (\'default\'), so no caller matches: drop sourceNamespace',
    fix: 'drop the label or namespace that sourceService or sourceVersion already sets',
  },
  MESH0806: {
    meaning: "a match's ignoreUriCase does nothing (no uri, or a regex uri), or its name or statPrefix is not a name Envoy can report",
    example: '[mesh/split] [MESH0806] ignoreUriCase is set but the match has no uri, and Istio ignores case only in exact and prefix uri matches, so it does nothing: match the uri by exact or prefix (or use \'(?i)\' in the regex), or drop ignoreUriCase',
    fix: 'match the uri by exact or prefix, and give names without spaces',
  },
  MESH0807: {
    meaning: "a rewrite's uriRegexRewrite is given beside pathPrefix or fullPath, lacks its match or rewrite, or rewrites to a path with spaces or control characters",
    example: '[mesh/split] [MESH0807] route 1 rewrite.uriRegexRewrite is given beside pathPrefix, and a route rewrites the path one way (istiod refuses both): keep one',
    fix: 'give one way of rewriting the path: uriRegexRewrite with an RE2 match and its rewrite',
  },
  MESH0808: {
    meaning: 'a directResponse has a status outside 200-599, both body and bodyBytes, or bodyBytes that are not base64',
    example: '[mesh/split] [MESH0808] route 1 directResponse.status 700 is not a status istiod takes: use a whole number from 200 to 599',
    fix: 'give a status from 200 to 599 and one body, bodyBytes in base64',
  },
  MESH0809: {
    meaning: 'a route has a directResponse beside targets, a redirect, a mirror, a fault, a rewrite, a timeout or retries',
    example: '[mesh/split] [MESH0809] route 1 has a directResponse and targets: a route sends requests to its targets, redirects or answers them itself, only one of these, and an answered request goes nowhere else, drop it or the directResponse',
    fix: 'give a route one of targets, redirect and directResponse, and drop what a direct response leaves unused',
  },
  MESH0810: {
    meaning: 'a corsPolicy has an exact origin that is no origin a browser sends, a header that is no header name, or a maxAge that is not whole seconds',
    example: '[mesh/split] [MESH0810] route 1 corsPolicy.allowOrigins exact \'example.com/path\' is not an origin a browser sends (scheme://host[:port], without path), so it allows nothing: write e.g. \'https://shop.example.com\'',
    fix: 'write origins as scheme://host[:port], header names as tokens, and maxAge in whole seconds',
  },
  MESH0811: {
    meaning: 'a redirect has both port and derivePort',
    example: '[mesh/split] [MESH0811] route 1 redirect has both port and derivePort (istiod refuses it): keep one',
    fix: 'keep one of port and derivePort',
  },
  MESH0812: {
    meaning: "a route matches on something the Gateway API cannot express (withoutHeaders, authority, scheme, another port, the caller's version, labels or namespace, ignoreUriCase, statPrefix, a match name)",
    example: '[mesh/split] [MESH0812] route 1 matches the absence of header \'x\' (withoutHeaders), which the Gateway API cannot express, so service \'web\' cannot be routed with it: drop that condition, or set the mesh\'s allowIstioApiFallback',
    fix: "drop the condition, match on a header instead, or set the mesh's allowIstioApiFallback",
  },
  MESH0813: {
    meaning: 'a route does something the Gateway API cannot express (a direct response, a regex rewrite, a derived redirect port, CORS origins by prefix or regex, unmatchedPreflights)',
    example: '[mesh/split] [MESH0813] route 1 answers with a direct response (status 503), which the Gateway API cannot express, so service \'web\' cannot be routed with it: drop it, or set the mesh\'s allowIstioApiFallback',
    fix: "drop the action, or set the mesh's allowIstioApiFallback",
  },
  MESH0831: {
    meaning: 'a route mirrors to the service it routes without naming a version, so the versions that serve its requests would get copies too',
    example: "[mesh/split] [MESH0831] route 1 mirror 1 mirrors to service 'reviews' itself, whose versions already receive the route's traffic: name the version that receives the copies, e.g. Mirror.to(reviews, { version: 'v2' })",
    fix: "name the version that receives the copies: Mirror.to(service, { version: 'v2' })",
  },
  MESH0832: {
    meaning: 'a route mirrors to the same service (or version) twice',
    example: "[mesh/split] [MESH0832] route 1 mirror 2 mirrors to service 'audit' again: mirror to each destination once, with the share of requests it takes",
    fix: 'mirror to each destination once, with the share of requests it takes',
  },
  MESH0833: {
    meaning: 'a mirror names a port its service does not have, or one that does not serve HTTP',
    example: "[mesh/split] [MESH0833] route 1 mirror 1 sends its copies to port 9000, which service 'audit' does not have (ports: 8080): give one of its HTTP ports",
    fix: "give one of the service's HTTP ports",
  },
  MESH0834: {
    meaning: 'a route mirrors to a service that has no HTTP, HTTP2 or GRPC port',
    example: "[mesh/split] [MESH0834] route 1 mirror 1 mirrors to service 'db', which has no HTTP, HTTP2 or GRPC port (ports: tcp): mirror to a service that serves HTTP",
    fix: 'mirror to a service that serves HTTP',
  },
  MESH0835: {
    meaning: 'a mirror to another service does not say which of its several HTTP ports receives the copies',
    example: "[mesh/split] [MESH0835] route 1 mirror 1 mirrors to service 'audit', which has several HTTP ports (8080, 9090): give the port, e.g. Mirror.to(audit, { port: 8080 })",
    fix: 'give the port: Mirror.to(service, { port: 8080 })',
  },
  MESH0836: {
    meaning: "a RetryPolicy's retriableStatusCodes holds something that is not an HTTP status code istiod takes",
    example: '[MESH0836] RetryPolicy.of: retriableStatusCodes 600 is not an HTTP status code istiod takes: give a status code from 100 to 599 that HTTP defines, e.g. 503',
    fix: 'give status codes from 100 to 599 that HTTP defines, e.g. 503',
  },
  MESH0837: {
    meaning: "a RetryPolicy's retriableStatusCodes lists a code twice, or one its retryOn already lists",
    example: '[MESH0837] RetryPolicy.of: retriableStatusCodes lists 503 twice: list each status code once',
    fix: 'list each status code once',
  },
  MESH0838: {
    meaning: 'a RetryPolicy with attempts 0 (no retries) also gives retriableStatusCodes, backoff, retryRemoteLocalities or retryIgnorePreviousHosts, which would do nothing',
    example: '[MESH0838] RetryPolicy.of: attempts 0 disables retries, so backoff would do nothing: drop it, or give at least 1 attempt',
    fix: 'drop those settings, or give at least 1 attempt',
  },
  MESH0839: {
    meaning: "a route's retries set what the Gateway API's HTTPRoute retry cannot say (retryRemoteLocalities, retryIgnorePreviousHosts false, a status code outside 400-599), with the Gateway API as the routing API",
    example: "[mesh/api] [MESH0839] the default route retries to other localities (retryRemoteLocalities), which the Gateway API cannot express, so service 'api' cannot be routed with it: drop retryRemoteLocalities, or set the mesh's allowIstioApiFallback",
    fix: "drop the setting, or set the mesh's allowIstioApiFallback",
  },
  MESH0840: {
    meaning: 'warning: a service mirrors its traffic to a service that refuses callers (an AccessPolicy, or deny-by-default), while it admits every caller itself, so the mirror cannot admit them by name',
    example: "[mesh/split] [MESH0840] route 1 mirrors to service 'audit', which admits only the callers its AccessPolicy names, but service 'reviews' has no AccessPolicy and admits every caller, so copies from callers 'audit' does not name are refused: give 'reviews' an AccessPolicy naming its callers, or allow them on 'audit'",
    fix: "give the mirrored service an AccessPolicy naming its callers (they are then admitted on the mirror's target too), or allow them on the target",
  },
  MESH0850: {
    meaning: 'a duration of a ConnectionPool, OutlierDetection or load balancer warmup is under 1ms',
    example: '[MESH0850] ConnectionPool.of: connectTimeout 0ms is too short: istiod takes durations of at least 1ms',
    fix: 'use at least 1ms',
  },
  MESH0851: {
    meaning: 'a count of a ConnectionPool, OutlierDetection or load balancer is not a whole number in its range',
    example: '[MESH0851] ConnectionPool.of: maxConnections 0 is invalid: use a whole number from 1 to 2147483647',
    fix: 'use a whole number in the range the message gives',
  },
  MESH0852: {
    meaning: "an OutlierDetection's maxEjectionPercent or minHealthPercent, or a warmup's minimumPercent, is outside 0 to 100",
    example: '[MESH0852] OutlierDetection.of: minHealthPercent 101 is not a percentage: use a whole number from 0 to 100',
    fix: 'use a whole number from 0 to 100',
  },
  MESH0853: {
    meaning: 'a ConnectionPool sets nothing',
    example: '[MESH0853] ConnectionPool.of: sets nothing: give at least one of maxConnections, http1MaxPendingRequests, http2MaxRequests, maxRequestsPerConnection, maxRetries, maxConcurrentStreams, connectTimeout, maxConnectionDuration, tcpIdleTimeout, httpIdleTimeout, tcpKeepalive, h2UpgradePolicy, useClientProtocol',
    fix: 'give at least one setting, or leave the connection pool out',
  },
  MESH0854: {
    meaning: 'a ConnectionPool sets useClientProtocol with h2UpgradePolicy UPGRADE, which istiod refuses',
    example: "[MESH0854] ConnectionPool.of: useClientProtocol keeps the client's protocol, h2UpgradePolicy UPGRADE forces HTTP/2 (istiod refuses both): choose one",
    fix: 'drop useClientProtocol or h2UpgradePolicy UPGRADE',
  },
  MESH0855: {
    meaning: 'an OutlierDetection sets consecutiveLocalOriginFailures without splitExternalLocalOriginErrors, which istiod refuses',
    example: '[MESH0855] OutlierDetection.of: consecutiveLocalOriginFailures 3 counts local-origin failures, which are counted apart only with splitExternalLocalOriginErrors (istiod refuses it without): set splitExternalLocalOriginErrors: true',
    fix: 'set splitExternalLocalOriginErrors: true, or drop consecutiveLocalOriginFailures',
  },
  MESH0856: {
    meaning: 'circuitBreaker and connectionPool or outlierDetection set the same DestinationRule field',
    example: '[mesh/web] [MESH0856] circuitBreaker sets connectionPool.tcp.maxConnections, which connectionPool sets too: set each field in one place (circuitBreaker is a shorthand for some of them)',
    fix: 'set the field in circuitBreaker or in connectionPool/outlierDetection, not both',
  },
  MESH0857: {
    meaning: 'a load balancer warmup is invalid: on a load balancer other than round robin or least request, or an aggression not above 0',
    example: '[MESH0857] LoadBalancer.random: warmup applies only to LoadBalancer.roundRobin() and LoadBalancer.leastRequest() (istiod refuses it with RANDOM): drop it, or use one of them',
    fix: 'give warmup only to roundRobin() or leastRequest(), with an aggression above 0',
  },
  MESH0858: {
    meaning: "a consistent hash's ring size or Maglev table size is out of range, or the Maglev table size is not prime",
    example: '[MESH0858] HashAlgorithm.maglev: tableSize 1000 is not a prime number: Envoy needs a prime table size, e.g. 65537 (the default)',
    fix: 'use a minimumRingSize from 1 to 8388608, or a prime Maglev tableSize up to 5000011',
  },
  MESH0859: {
    meaning: 'a consistent hash on a query parameter names no valid parameter',
    example: "[MESH0859] LoadBalancer.consistentHashByQueryParameter: name '' is not a query parameter name: give a non-empty name without '&', '=', '#' or spaces, e.g. 'user'",
    fix: "give a non-empty parameter name without '&', '=', '#' or spaces",
  },
  MESH0860: {
    meaning: 'a hash cookie attribute has an invalid name or value, or repeats one',
    example: "[MESH0860] LoadBalancer.consistentHashByCookie: attributes[0] name 'Same Site' is not a cookie attribute name: use letters, digits and '-', e.g. 'SameSite'",
    fix: "name each attribute once, with letters, digits and '-', and give values without ';' or control characters",
  },
  MESH0861: {
    meaning: 'a port policy names a port the service does not have',
    example: "[mesh/web] [MESH0861] portPolicies[0] names port 9090, which is not a port of service 'web' (ports: 8080): name one of its ports",
    fix: 'name one of the service\'s ports (its port, not its targetPort)',
  },
  MESH0862: {
    meaning: 'two port policies name the same port',
    example: '[mesh/web] [MESH0862] portPolicies[1] names port 8080 again: give each port one policy',
    fix: 'give each port one policy',
  },
  MESH0863: {
    meaning: "a version's trafficPolicy sets a route setting (timeout, retries), which a DestinationRule subset cannot carry",
    example: "[mesh/web] [MESH0863] version 'v2' trafficPolicy sets timeout, which is a route setting (a VirtualService's), not a subset's: give it to a TrafficSplit route to the version (TrafficTarget.version('v2')), or to the service",
    fix: 'set timeouts and retries on the TrafficSplit route to the version, or on the service',
  },
  MESH0864: {
    meaning: "a port policy or a version's trafficPolicy sets nothing",
    example: '[mesh/web] [MESH0864] portPolicies[0] for port 8080 sets nothing: give circuitBreaker, loadBalancer, connectionPool or outlierDetection, or remove it',
    fix: 'give at least one of circuitBreaker, loadBalancer, connectionPool or outlierDetection, or remove it',
  },
  MESH0865: {
    meaning: "warning: with the Gateway API, a version's trafficPolicy applies only to traffic routed to the version, and no route sends it any",
    example: "[mesh/web] [MESH0865] version 'v2' has a trafficPolicy, but with the Gateway API it applies only to traffic routed to the version (through Service 'web-v2') and no route of the mesh sends it any: route to the version with a TrafficSplit, or give the policy to the service",
    fix: 'route to the version with a TrafficSplit, or give the policy to the service',
  },
  // 088x: TCP and TLS routes in a TrafficSplit, splits for services the mesh does not define, exportTo
  MESH0880: {
    meaning: 'a TCP or TLS route of a TrafficSplit names a port the service does not have',
    example: "[mesh/split] [MESH0880] TCP route 1 port 5433 is not a port of service 'db' (ports: 5432 tcp): route one of its ports, or omit port to take every TCP port",
    fix: 'give one of the service\'s ports, or omit port',
  },
  MESH0881: {
    meaning: 'a TCP route of a TrafficSplit is on an HTTP port (Istio routes HTTP ports with HTTP routes only), or its service has no TCP, TLS or HTTPS port',
    example: '[mesh/split] [MESH0881] TCP route 1 port 8080 is http: Istio routes connections to an HTTP port with HTTP routes only, so the route would never be used: route a TCP, TLS or HTTPS port, or use addRoute() for HTTP',
    fix: 'route a TCP, TLS or HTTPS port, or route HTTP with addRoute()',
  },
  MESH0882: {
    meaning: 'a TLS route of a TrafficSplit is on a port that is not TLS or HTTPS, or its service has none',
    example: '[mesh/split] [MESH0882] TLS route 1 port 5432 is tcp: a TLS route takes a TLS or HTTPS port: route a TLS or HTTPS port',
    fix: 'route a TLS or HTTPS port, or use addTcpRoute() for plain TCP',
  },
  MESH0883: {
    meaning: 'a TLS route\'s sniHosts is empty, or names a host that is not one of the routed service\'s hosts (istiod refuses it)',
    example: "[mesh/split] [MESH0883] TLS route 1 SNI host 'other.example.com' is not one of the service's hosts (db.default.svc.cluster.local), which istiod requires of a VirtualService's TLS route: give one of them, or a name a wildcard host covers",
    fix: 'give SNI hosts among the service\'s hosts, or omit sniHosts',
  },
  MESH0884: {
    meaning: 'a TCP or TLS route\'s destinationSubnets entry is not an IP address or CIDR block',
    example: "[mesh/split] [MESH0884] TCP route 1 destination subnet '10.0.0.0/33' is not an IP address or CIDR block: give one such as '10.1.0.0/16' or '10.1.2.3'",
    fix: 'give an IPv4 or IPv6 address, optionally with a prefix length',
  },
  MESH0885: {
    meaning: 'a TCP or TLS route gives both sourceService and sourceNamespace',
    example: "[mesh/split] [MESH0885] TCP route 1 gives both sourceService and sourceNamespace 'shop': the source service's namespace is the one matched, give one of them",
    fix: 'give sourceService or sourceNamespace, not both',
  },
  MESH0886: {
    meaning: 'a TCP or TLS route takes only connections an earlier route of the split takes first, so it is never used',
    example: '[mesh/split] [MESH0886] TCP route 2 takes only connections TCP route 1 takes first, so it is never used: give it other conditions, or add it before TCP route 1',
    fix: 'narrow the earlier route, or add this one before it',
  },
  MESH0887: {
    meaning: 'with the Gateway API, a TCP or TLS route of a TrafficSplit matches what a TCPRoute or TLSRoute cannot (the caller, destination subnets), or two TCP routes take one port',
    example: "[mesh/split] [MESH0887] TCP route 1 matches the calling service, which a Gateway API TCPRoute cannot express (it matches only the port), so service 'db' cannot be routed with it: drop the condition, or set the mesh's allowIstioApiFallback",
    fix: 'drop the condition, give each port one TCP route, or set the mesh\'s allowIstioApiFallback',
  },
  MESH0888: {
    meaning: 'an exportTo entry is not \'.\', \'*\' (\'~\' for an ExternalService) or a namespace name, or exportTo is empty',
    example: "[mesh/db] [MESH0888] exportTo entry 'Shop' is not '.', '*' or a namespace name: give a namespace (a DNS label), '.' for the service's own namespace or '*' for every namespace",
    fix: 'list namespaces, \'.\' or \'*\', or omit exportTo',
  },
  MESH0889: {
    meaning: 'exportTo lists a namespace twice (\'.\' and the own namespace count as one), which istiod refuses',
    example: "[mesh/db] [MESH0889] exportTo lists '.' and 'default' (the service's own namespace) twice: list each namespace once",
    fix: 'list each namespace once',
  },
  MESH0890: {
    meaning: 'exportTo has \'*\' or \'~\' with other entries, which istiod refuses',
    example: "[mesh/db] [MESH0890] exportTo has '*' (every namespace) with other entries (*, shop), which istiod refuses: give '*' alone, or only namespaces",
    fix: 'give \'*\' (or \'~\') alone, or only namespaces',
  },
  MESH0891: {
    meaning: 'a caller the program names (AccessPolicy, a route\'s source service, an ingress or egress gateway) is in a namespace the service\'s routing is not exported to, so its calls bypass that routing (analysis, error)',
    example: "[mesh/db] [MESH0891] caller 'web' in namespace 'shop' calls service 'db' (its AccessPolicy (mesh/db-access) allows it), but exportTo (.) hides its routing (VirtualService, DestinationRule), so that caller's requests bypass it: no weights, subsets, timeouts, retries or circuit breaker apply: add 'shop' to exportTo, or stop naming that caller",
    fix: 'add the caller\'s namespace to exportTo, or remove the caller',
  },
  MESH0892: {
    meaning: 'with the Gateway API, a routed service sets exportTo, which Gateway API routes cannot express',
    example: "[mesh/db] [MESH0892] exportTo (.) limits which namespaces see the service's routing, which the Gateway API cannot express (its routes have no exportTo: they apply to callers in every namespace), so service 'db' cannot be routed with it: drop exportTo, or set the mesh's allowIstioApiFallback",
    fix: 'drop exportTo, or set the mesh\'s allowIstioApiFallback',
  },
  MESH0893: {
    meaning: 'an ExternalTrafficSplit\'s externalService is not an ExternalService, or is one of another mesh',
    example: '[mesh/routes] [MESH0893] external service mesh/payments belongs to another mesh: route an external service of this mesh',
    fix: 'name an ExternalService of this mesh; route a MeshService with a TrafficSplit',
  },
  MESH0894: {
    meaning: 'a route of an ExternalTrafficSplit names a port (its port, or a match\'s) that the external service does not list',
    example: "[mesh/routes] [MESH0894] route 1 port 8080 is not a port of external service 'payments' (ports: 80 http, 443 https): give one of its HTTP ports",
    fix: 'give one of the external service\'s HTTP ports, or add the port to it',
  },
  MESH0895: {
    meaning: 'an ExternalTrafficSplit routes HTTP on a port where the sidecar sees no HTTP requests (TCP; HTTPS or TLS, where the application\'s TLS hides them), or its external service has no HTTP port',
    example: "[mesh/routes] [MESH0895] route 1 port 443 is https, where the sidecar sees no HTTP requests (the application's TLS hides them on HTTPS and TLS ports), so an HTTP route cannot take them: give an HTTP port",
    fix: 'add a plain HTTP port to the external service and call it with http://, or route that port\'s calls elsewhere',
  },
  MESH0896: {
    meaning: 'a route of an ExternalTrafficSplit gives targets or a mirror (from JavaScript): an external service has no versions',
    example: '[mesh/routes] [MESH0896] route 1 gives targets, but an external service has no versions: leave it out (requests go to the host they were for), or give port to route to another port',
    fix: 'leave targets and mirror out; give port to route to another port',
  },
  MESH0897: {
    meaning: 'with the Gateway API, an ExternalTrafficSplit cannot be rendered: GAMMA routes have no ServiceEntry host for parent',
    example: "[mesh/routes] [MESH0897] external service 'payments' cannot be routed with the Gateway API, which has no parent for a ServiceEntry's hosts: set the mesh's allowIstioApiFallback to route it with a VirtualService, or route it with RoutingApi.ISTIO",
    fix: 'set the mesh\'s allowIstioApiFallback, or use RoutingApi.ISTIO',
  },
  MESH0898: {
    meaning: 'an external service has a second ExternalTrafficSplit (two VirtualServices for one host conflict)',
    example: "[mesh/more] [MESH0898] external service 'payments' already has a split (mesh/routes): two VirtualServices for one host conflict, put every route in one split",
    fix: 'put every route of the external service in one split',
  },
  MESH0899: {
    meaning: 'a route of an ExternalTrafficSplit routes to another port of an external service called through an egress gateway, whose hops keep the port',
    example: "[mesh/routes] [MESH0899] route 1 routes to port 8080, but external service 'payments' is called through egress gateway 'egress', whose routes keep the port: leave port out, or call the service directly",
    fix: 'leave port out, or call the external service without an egress gateway',
  },
  // 09xx: overrides, the escape hatch (any field of Istio's and the Gateway API's objects, in their own spelling)
  MESH0900: {
    meaning: 'an override or JSON patch sets a field the CRD\'s schema does not have (a misspelling, or the camelCase of the generated bindings)',
    example: "[mesh/reviews/DestinationRule] [MESH0900] field spec.trafficPolicy.outlierDetection.consecutive5XxErrors is not in the schema of DestinationRule networking.istio.io/v1: did you mean consecutive5xxErrors? Fields are written in Istio's YAML spelling",
    fix: 'write the field as the API\'s YAML spells it (the message names the close field, else the fields there)',
  },
  MESH0901: {
    meaning: 'an override or JSON patch gives a field a value of the wrong type for the CRD\'s schema',
    example: "[mesh/reviews/DestinationRule] [MESH0901] field spec.trafficPolicy.outlierDetection.consecutive5xxErrors is a string ('5') in DestinationRule networking.istio.io/v1, whose schema wants an integer: give it an integer",
    fix: 'give a value of the type the schema wants (a number, not a string of digits)',
  },
  MESH0902: {
    meaning: 'an override or JSON patch gives a field a value outside the CRD\'s enum or range',
    example: "[mesh/reviews/DestinationRule] [MESH0902] field spec.trafficPolicy.loadBalancer.simple is 'FASTEST', which DestinationRule networking.istio.io/v1 does not allow: use one of UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST",
    fix: 'give one of the values the message lists, or one within the range',
  },
  MESH0903: {
    meaning: 'a JSON patch or an override removes or replaces a field that is not there, or goes through a value that is not an object',
    example: "[mesh/reviews/DestinationRule] [MESH0903] override remove spec.trafficPolicy.outlierDetection does not apply to DestinationRule 'reviews': there is no spec.trafficPolicy.outlierDetection (spec.trafficPolicy has connectionPool, loadBalancer)",
    fix: 'point at a field the object has (the message lists them), or set it (an override\'s set makes the objects on the way)',
  },
  MESH0904: {
    meaning: 'Overrides.of() was given an object that is not an Istio or Gateway API object the library writes (nor a construct whose Resource is one)',
    example: '[MESH0904] Overrides.of: mesh/web/Resource/Resource is a Service (v1), not an Istio or Gateway API object: use ApiObject.addJsonPatch for other objects',
    fix: 'use ApiObject.addJsonPatch for other objects',
  },
  MESH0905: {
    meaning: 'an override\'s path is malformed, has no value, or would change what the object is (apiVersion, kind, name, namespace)',
    example: "[mesh/reviews/DestinationRule] [MESH0905] override set path 'spec..host' has an empty field name: write the fields from the top of the object, separated by dots, e.g. spec.trafficPolicy.outlierDetection.consecutive5xxErrors",
    fix: 'write the fields from the top of the object separated by dots, give a value, and leave the object\'s identity to the library',
  },
  MESH0906: {
    meaning: 'an object the user patched or overrode is not written: the routing API chosen at synthesis does not use it',
    example: '[mesh/web] [MESH0906] the overrides of mesh/web/VirtualService (VirtualService) are lost: the service is routed with the Gateway API, so its VirtualService is not written: override its gatewayApiRoutes (made by mesh.analyze())',
    fix: 'override the objects the service is routed with (its gatewayApiRoutes under the Gateway API, its virtualService under Istio\'s)',
  },
  // 092x: found in review, where the features of the traffic management meet
  MESH0920: {
    meaning: "warning: a version's trafficPolicy (its subset's) applies only to traffic a route sends to the subset, and no route sends it any",
    example: "[mesh/web] [MESH0920] version 'v2' has a trafficPolicy, but Istio applies a subset's policy only to traffic a route sends to the subset, and no route of the mesh sends any to subset 'v2' (requests to the service go to every version under the service's policy): route to the version with a TrafficSplit, or give the policy to the service",
    fix: 'route to the version with a TrafficSplit, or give the policy to the service',
  },
  // 1000–1029: access policies: callers, actions, conditions
  MESH1000: {
    meaning: 'an access caller or rule value is missing or empty (a namespace, principal, IP block, JWT issuer or subject, a host)',
    example: '[MESH1000] Caller.namespace: no namespace given: give at least one',
    fix: 'give each value as a non-empty string',
  },
  MESH1001: {
    meaning: 'an IP address or CIDR block of a caller or condition is not valid (istiod ValidateIPs)',
    example: "[MESH1001] Caller.ipBlock: '10.0.0.0/33' is not an IP address or CIDR block: use e.g. '10.0.0.1', '10.0.0.0/16' or '2001:db8::/32'",
    fix: 'use an IPv4 or IPv6 address, optionally with a prefix length that fits it',
  },
  MESH1002: {
    meaning: 'Caller.and() combines callers Istio cannot require at once (two lists of one source field, one claim twice)',
    example: "[MESH1002] Caller.and: 'namespace a' and 'namespace b' both set namespaces, and a source matches any of a list's values: Istio cannot require both; write one caller per rule, or add a condition with when",
    fix: 'write one caller per rule, or add a condition with when',
  },
  MESH1003: {
    meaning: "Caller.except() names a caller Istio's not-fields cannot negate (anyone, an exception, several fields, claims)",
    example: "[MESH1003] Caller.except: cannot leave out 'anyone', which is anyone: Istio's not-fields negate one field of a source: except one kind of caller (a service, principals, namespaces, IP blocks or a JWT without claims)",
    fix: 'except one kind of caller: a service, principals, namespaces, IP blocks or a JWT without claims',
  },
  MESH1006: {
    meaning: 'a condition (or a JWT claim) has no values, or an empty one',
    example: "[MESH1006] Condition.header: condition 'request.headers[x-user]' has no values: give values, notValues or both",
    fix: 'give values, notValues or both, each a non-empty string',
  },
  MESH1007: {
    meaning: 'a condition names a header or claim that cannot be one',
    example: "[MESH1007] Condition.header: header name 'x user' is not an HTTP header name: use letters, digits and !#$%&'*+-.^_`|~, e.g. 'x-api-version'",
    fix: 'name a valid HTTP header, or a claim without brackets (dots between the names of a nested claim)',
  },
  MESH1008: {
    meaning: 'a destination port condition is not a port',
    example: "[MESH1008] Condition.destinationPort: '70000' is not a port: use a whole number from 1 to 65535",
    fix: 'use a whole number from 1 to 65535',
  },
  MESH1009: {
    meaning: "an access rule's when lists something that is not a Condition",
    example: '[mesh/p] [MESH1009] when[0] is not a Condition: make it with Condition.header(), Condition.claim(), Condition.sni()...',
    fix: 'make each condition with a Condition factory',
  },
  MESH1010: {
    meaning: 'an AccessPolicy names both a service and a gateway',
    example: '[mesh/p] [MESH1010] both service and gateway are given: a policy protects one target, so give one and write a second policy for the other',
    fix: 'give one target, and write a second policy for the other',
  },
  MESH1011: {
    meaning: "an AccessPolicy's gateway is not a gateway of a mesh",
    example: '[mesh/p] [MESH1011] gateway is not a gateway of a mesh: name an IngressGateway or EgressGateway',
    fix: 'name an IngressGateway or EgressGateway of the mesh',
  },
  MESH1012: {
    meaning: 'two AccessPolicies write the same AuthorizationPolicy (namespace and name) (analysis, error)',
    example: "[mesh/b] [MESH1012] AuthorizationPolicy 'api' in namespace 'default' is also written by AccessPolicy mesh/a: give one of the policies another name",
    fix: 'give one of the policies another name',
  },
  MESH1013: {
    meaning: 'warning: a DENY access rule has HTTP-only fields but denies no HTTP port, so Istio ignores them and denies every request of the caller there',
    example: "[mesh/p] [MESH1013] paths for caller 'web' need an HTTP port, but the ports denied are tcp, so Istio ignores them and refuses every request of the caller there: drop them or deny an HTTP port",
    fix: 'drop the HTTP-only fields, or deny an HTTP port',
  },
  MESH1014: {
    meaning: "an AccessPolicy's CUSTOM rules have no authorizer, or one of another mesh",
    example: "[mesh/p] [MESH1014] authorizer 'ext-authz' is declared on another mesh (other): declare it on this mesh",
    fix: 'give the ExternalAuthorizer declared on this mesh',
  },
  MESH1015: {
    meaning: "an AccessPolicy's CUSTOM rules name two authorizers (a CUSTOM AuthorizationPolicy names one provider)",
    example: "[mesh/p] [MESH1015] custom rules already go to authorizer 'opa', and Istio's CUSTOM policy names one provider: send 'oauth2' its requests from a second AccessPolicy",
    fix: 'send the other authorizer its requests from a second AccessPolicy',
  },
  MESH1016: {
    meaning: 'an access rule path is an invalid path template (istiod ValidatePathTemplate: {*}, {**} last, whole segments)',
    example: "[mesh/p] [MESH1016] path '/a/{**}/{*}' has {*} after {**}: {**} must be the last operator of a path template",
    fix: 'use {*} and {**} as whole segments, {**} last',
  },
  // 1030–1049: end users by JWT (RequestAuthentication) and external authorizers (ext_authz extension providers)
  MESH1030: {
    meaning: 'a JwtAuthentication has no target, or more than one (service, gateway, scope)',
    example: '[mesh/jwt] [MESH1030] service and gateway are both given: give exactly one of service (its workloads), gateway (its proxies) or scope (PolicyScope.namespace(...) or PolicyScope.mesh())',
    fix: 'give exactly one of service, gateway or scope',
  },
  MESH1031: {
    meaning: 'a JwtAuthentication has no JWT rule, so it validates no token (analysis, error)',
    example: '[mesh/jwt] [MESH1031] has no JWT rule, so it validates no token: add the issuers whose tokens are accepted with rules or addRule()',
    fix: 'add a rule per issuer with rules or addRule()',
  },
  MESH1032: {
    meaning: 'a JWT rule has no issuer, or is not a JwtRule',
    example: "[mesh/jwt] [MESH1032] rule: issuer is missing: give the token's 'iss' claim, e.g. 'https://accounts.example.com'",
    fix: "give the issuer: the tokens' 'iss' claim",
  },
  MESH1033: {
    meaning: 'a JwtAuthentication has two rules for one issuer',
    example: "[mesh/jwt] [MESH1033] rule of issuer 'https://accounts.example.com': the issuer already has a rule, and Istio does not define which of two rules of one issuer checks its tokens: give each issuer one rule, with every audience and location it needs",
    fix: 'merge the two rules into one, with every audience and location',
  },
  MESH1034: {
    meaning: 'a JWT rule\'s jwksUri is not an http or https URL with a host (of at most 2048 characters)',
    example: "[mesh/jwt] [MESH1034] rule of issuer 'https://accounts.example.com': jwksUri 'ftp://keys.example.com/jwks.json' has scheme 'ftp', not http or https: give the http or https URL of the issuer's keys, e.g. 'https://accounts.example.com/.well-known/jwks.json'",
    fix: 'give the http or https URL the issuer publishes its keys at',
  },
  MESH1035: {
    meaning: 'a JWT rule gives both jwksUri and jwks',
    example: "[mesh/jwt] [MESH1035] rule of issuer 'https://accounts.example.com': jwksUri and jwks are both given, and Istio takes one source of keys: keep jwksUri (fetched) or jwks (inline)",
    fix: 'keep one of them',
  },
  MESH1036: {
    meaning: 'a JWT rule\'s inline jwks is not a JSON Web Key Set',
    example: "[mesh/jwt] [MESH1036] rule of issuer 'https://accounts.example.com': jwks has no \"keys\" list: give a JSON Web Key Set, '{\"keys\": [{\"kty\": \"RSA\", ...}]}', or the URL of one as jwksUri",
    fix: 'give a JSON Web Key Set ({"keys": [...]}, each key with its kty), or its URL as jwksUri',
  },
  MESH1037: {
    meaning: 'a JWT rule names a header, query parameter, cookie, audience or claim no request can carry, or one twice',
    example: "[mesh/jwt] [MESH1037] rule of issuer 'https://accounts.example.com': fromHeaders[0] name 'x jwt' is not a header name: use letters, digits and !#$%&'*+.^_`|~-, e.g. 'x-jwt-assertion'",
    fix: 'use header, parameter and cookie names without spaces or control characters, each once',
  },
  MESH1038: {
    meaning: 'a JWT rule copies a claim that is no claim name into a header, or two claims into one header',
    example: "[mesh/jwt] [MESH1038] rule of issuer 'https://accounts.example.com': outputClaimToHeaders[0] claim '' is not a claim name: give the claim to copy, e.g. 'email' (nested: 'user.email')",
    fix: 'name the claim to copy, and give each claim its own header',
  },
  MESH1039: {
    meaning: 'a JWT rule\'s timeout (for fetching the keys) is not a duration istiod takes (at least 1ms, to the millisecond)',
    example: "[mesh/jwt] [MESH1039] rule of issuer 'https://accounts.example.com': timeout 0s is below 1ms, which istiod refuses: give a timeout of at least 1ms, or leave it out for the default",
    fix: 'give a whole number of milliseconds, at least 1ms',
  },
  MESH1040: {
    meaning: 'an ExternalAuthorizer has no service or host (or both), a host that is not a fully qualified name, or no port the service has',
    example: "[mesh/opa] [MESH1040] port 9191 is not a port of service 'opa' (ports: 8181, 9000): give one of its ports",
    fix: 'name the authorizer\'s service (or its fully qualified host) and one of its ports',
  },
  MESH1041: {
    meaning: 'an ExternalAuthorizer\'s provider name is already a provider of the mesh config (analysis, error)',
    example: "[mesh/auth] [MESH1041] provider name 'envoy' is already a provider of the telemetry stack, and the mesh config's extension providers need unique names: give the authorizer another name",
    fix: 'give the authorizer a name no other extension provider has',
  },
  MESH1042: {
    meaning: 'an ExternalAuthorizer\'s statusOnError is not an HTTP status Envoy returns',
    example: '[mesh/opa] [MESH1042] statusOnError 299 is not an HTTP status Envoy returns: give a status such as 403, 401 or 503',
    fix: 'give a standard HTTP status, e.g. 403',
  },
  MESH1043: {
    meaning: 'an ExternalAuthorizer sets a field of the other protocol (HTTP-only fields on gRPC, packAsBytes on HTTP), or a pathPrefix that is not a path',
    example: '[mesh/opa] [MESH1043] pathPrefix applies to HTTP authorizers only, and this one is asked over gRPC: drop it, or use ExternalAuthorizerProtocol.HTTP',
    fix: 'drop the field, or choose the protocol it belongs to; a pathPrefix begins with /',
  },
  MESH1044: {
    meaning: 'an ExternalAuthorizer lists a header (or header pattern) that is not a header name, or one twice',
    example: "[mesh/opa] [MESH1044] includeRequestHeadersInCheck lists 'x auth', which is not a header name, prefix ('x-auth-*') or suffix ('*-token'): use letters, digits and !#$%&'+.^_`|~- with at most one '*' at either end",
    fix: "use header names, prefixes ('x-auth-*') or suffixes ('*-token'), each once",
  },
  MESH1045: {
    meaning: 'an ExternalAuthorizer\'s includeRequestBodyInCheck is not a request body setting, or its maxRequestBytes is not a whole number of bytes',
    example: '[mesh/opa] [MESH1045] includeRequestBodyInCheck.maxRequestBytes 0 is not a number of bytes: give a whole number of at least 1, e.g. 8192',
    fix: 'give a whole number of bytes, at least 1',
  },
  MESH1046: {
    meaning: 'an ExternalAuthorizer\'s timeout is not a duration istiod takes (at least 1ms, to the millisecond)',
    example: '[mesh/opa] [MESH1046] timeout 0s would fail every check at once: give a timeout of at least 1ms, or leave it out for the default (600s)',
    fix: 'give a whole number of milliseconds, at least 1ms',
  },
  MESH1047: {
    meaning: 'warning: tokens are validated, but no ALLOW or DENY AuthorizationPolicy of the same workloads requires one, so requests without a token pass (analysis)',
    example: "[mesh/jwt] [MESH1047] tokens of issuer 'https://accounts.example.com' are validated on istio-ingress/ingress, but no ALLOW or DENY AuthorizationPolicy there requires one, so requests without a token are let through (only invalid tokens are refused): require a token with an access rule from Caller.jwt({ issuer: 'https://accounts.example.com' }) or Caller.authenticatedUser(), or deny requests without one (notRequestPrincipals: ['*'])",
    fix: 'require a token with an access rule (Caller.jwt(), Caller.authenticatedUser()), or deny requests without one',
  },
  MESH1048: {
    meaning: 'warning: an ExternalAuthorizer is a service that nothing may call (deny-by-default, no AccessPolicy), so every check fails (analysis)',
    example: "[mesh/opa] [MESH1048] the authorizer is service 'opa', which has no AccessPolicy under deny-by-default, so the proxies that ask it are refused and every request a CUSTOM rule sends to provider 'opa' is denied: give 'opa' an AccessPolicy that allows the services whose CUSTOM rules name it",
    fix: 'give the authorizer\'s service an AccessPolicy that allows the services whose CUSTOM rules name it',
  },
  // 1050–1059: MeshTesting's access evaluation: external authorizers, the request's addresses, host and SNI
  MESH1050: {
    meaning: 'a CUSTOM AuthorizationPolicy matches the request, so its external authorizer decides, and the test does not say what it answers',
    example: "[MESH1050] MeshTesting.canCall: rule 1 of CUSTOM policy default/ext-authz matches GET /admin on port 8080 of Deployment default/api-v1 from Deployment default/web-v1 (cluster.local/ns/default/sa/web), so the external authorizer 'opa' decides, and the request does not say what it answers: give externalAuthorizers: { 'opa': true } (or false)",
    fix: "give externalAuthorizers with the provider's answer (true allows, false denies)",
  },
  MESH1051: {
    meaning: "whether an access rule matches depends on something of the request the test does not give (the caller's or client's address, the destination address, the host, the SNI), which the manifests cannot tell",
    example: "[MESH1051] MeshTesting.canCall: AuthorizationPolicy default/api-ips rule 1 from[0].source matches ipBlocks, and so needs the caller's address (sourceIp), which the request does not give, so whether the rule matches is unknown: give it in the options",
    fix: 'give sourceIp, remoteIp, destinationIp, host or sni in the options, as the message names',
  },
  // 1060–1079: client TLS (DestinationRule tls, TLS origination to external services)
  MESH1060: {
    meaning: "a ClientTls's sni is not a host name",
    example: "[MESH1060] ClientTls.simple: sni 'api.example.com:443' is not a host name: give the name the server's certificate is for (e.g. 'api.example.com'), without wildcard, port or IP address",
    fix: "give the host name the server's certificate is for, without wildcard, port or IP address",
  },
  MESH1061: {
    meaning: "a ClientTls's subjectAltNames is empty or has an empty name",
    example: "[MESH1061] ClientTls.simple: subjectAltNames[0] is empty: give a name the server certificate carries (e.g. 'api.example.com' or a spiffe:// identity)",
    fix: 'list the names the server certificate may carry, or leave subjectAltNames out',
  },
  MESH1062: {
    meaning: "a ClientTls's caCertificates is not an absolute path in the proxy's container",
    example: "[MESH1062] ClientTls.simple: caCertificates 'ca.pem' is not a path: give the absolute path of a file in the proxy's container (e.g. '/etc/ssl/certs/ca-certificates.crt'), or a Secret with caCredentialName",
    fix: 'give an absolute path of a file in the proxy, or the CA certificates in a Secret (caCredentialName)',
  },
  MESH1063: {
    meaning: 'a ClientTls gives CA or certificate files beside a credential (Secret), which istiod refuses',
    example: '[MESH1063] ClientTls.simple: caCertificates and caCredentialName are both given: istiod refuses CA files beside a credential, give one of them',
    fix: 'give the certificates in one place: the Secret, or (SIMPLE only) a CA file',
  },
  MESH1064: {
    meaning: 'a ClientTls skips verifying the server (insecureSkipVerify) and also says how to verify it, which istiod refuses',
    example: '[MESH1064] ClientTls.simple: insecureSkipVerify checks no certificate, but caCertificates, caCredentialName or subjectAltNames are given: istiod refuses both, leave insecureSkipVerify out to check the server',
    fix: 'leave insecureSkipVerify out (check the server), or leave out the CA and names',
  },
  MESH1065: {
    meaning: 'a TLS origination names a port that is not a plain HTTP port of the external service',
    example: '[mesh/cnn] [MESH1065] tlsOrigination[0] port 443 is https: TLS is originated for calls the application makes in plain HTTP, list a port with Protocol.HTTP (e.g. { port: 80, protocol: Protocol.HTTP }) and originate TLS on it',
    fix: 'list a plain HTTP port (e.g. 80) in ports, originate TLS on it, and let the application call http://',
  },
  MESH1066: {
    meaning: 'a TLS origination uses a ClientTls that sends no TLS of its own (DISABLE, ISTIO_MUTUAL)',
    example: '[mesh/cnn] [MESH1066] tlsOrigination[0] clientTls is ISTIO_MUTUAL, which an external host does not serve: originate with ClientTls.simple() or ClientTls.mutual({ credentialName })',
    fix: 'originate with ClientTls.simple() or ClientTls.mutual({ credentialName })',
  },
  MESH1067: {
    meaning: 'a TLS origination names a port twice, or a targetPort that is no port',
    example: '[mesh/cnn] [MESH1067] tlsOrigination[1] names port 80 again: originate TLS once per port',
    fix: 'originate once per port, towards a port number from 1 to 65535',
  },
  MESH1068: {
    meaning: 'clients send plain text (ClientTls.disable()) to workloads whose mTLS mode is STRICT, which refuse it (analysis, error)',
    example: "[mesh/web] [MESH1068] tls is DISABLE, but the workloads of service 'web' take only mTLS on port 8080 (STRICT): connections would be refused, use ClientTls.istioMutual() or leave tls out (auto mTLS)",
    fix: 'use ClientTls.istioMutual(), leave tls out (auto mTLS), or make the port PERMISSIVE',
  },
  MESH1069: {
    meaning: 'clients send the mesh\'s mTLS (ClientTls.istioMutual()) to a port whose mTLS mode is DISABLE, whose proxy passes the TLS to the application unread (analysis, error)',
    example: "[mesh/web] [MESH1069] tls is ISTIO_MUTUAL, but port 8080 of service 'web' has mTLS DISABLE: its proxy would hand the TLS to the application, use ClientTls.disable() for the port or enable mTLS on it",
    fix: 'use ClientTls.disable() for the port (portPolicies), or make the port PERMISSIVE or STRICT',
  },
  // 1080–1099: egress for named callers only (an external service's callers), Sidecar egress scopes
  MESH1080: {
    meaning: "an external service's callers is an empty list",
    example: '[mesh/stripe] [MESH1080] callers is empty, which would let no workload call it: name the services that may (e.g. callers: [payments]), or leave callers out to let every workload call it',
    fix: 'name the services that may call it, or leave callers out',
  },
  MESH1081: {
    meaning: 'a caller of an external service belongs to another mesh',
    example: "[mesh/stripe] [MESH1081] caller 'payments' belongs to another mesh (other): name a service of this mesh",
    fix: 'name a service of this mesh',
  },
  MESH1082: {
    meaning: 'a caller of an external service is imported (MeshService.fromName()): the mesh does not run its workloads, so it cannot write their Sidecar',
    example: "[mesh/stripe] [MESH1082] caller 'billing' is imported (MeshService.fromName()), so the mesh does not run its workloads and cannot write the Sidecar that lets them reach the host: name a service this program defines",
    fix: 'name a service this program defines',
  },
  MESH1083: {
    meaning: 'a caller of an external service is listed twice',
    example: "[mesh/stripe] [MESH1083] caller 'payments' is listed twice: list each caller once",
    fix: 'list each caller once',
  },
  MESH1084: {
    meaning: "a caller of an external service has an EgressScope of its own that leaves the service's host out, so its proxy refuses the calls",
    example: "[mesh/stripe] [MESH1084] caller 'payments' has an EgressScope (mesh/payments-egress) that leaves out host 'api.stripe.com', so its proxy refuses the calls: add allowExternal: [stripe] to that scope",
    fix: 'add the external service to the caller\'s EgressScope (allowExternal)',
  },
  MESH1085: {
    meaning: "a caller of an external service is in a namespace the service's exportTo leaves out, so its proxy never learns the host",
    example: "[mesh/stripe] [MESH1085] caller 'payments' is in namespace 'pay', which exportTo (.) leaves out, so its proxy never learns the host: add 'pay' to exportTo, or drop exportTo",
    fix: "add the caller's namespace to exportTo, or drop exportTo",
  },
  MESH1086: {
    meaning: 'an EgressScope the program declares lets a workload that is not one of its callers reach an external service restricted to its callers',
    example: "[mesh/web-egress] [MESH1086] the scope lets 'web' reach host 'api.stripe.com' of external service 'stripe', which only its callers (payments) may call: leave the host out of the scope, or add them to callers",
    fix: 'leave the host out of the scope, or add the workloads to callers',
  },
  MESH1087: {
    meaning: 'an EgressScope passes unknown hosts through (ALLOW_ANY) for workloads that are not callers of an external service restricted to its callers, which they then reach',
    example: "[mesh/shop-egress] [MESH1087] the scope passes unknown hosts through (ALLOW_ANY), so the proxies of 'web' reach host 'api.stripe.com' of external service 'stripe', which only its callers (payments) may call: make the scope REGISTRY_ONLY, or add them to callers",
    fix: 'make the scope REGISTRY_ONLY, or add the workloads to callers',
  },
  MESH1088: {
    meaning: 'warning: a route of an external service\'s split matches calls from a service that is not one of its callers, so it never applies',
    example: "[mesh/stripe-split] [MESH1088] route 1 matches calls from 'web', which is not a caller of external service 'stripe' (callers: payments) and cannot reach it, so the route never applies: drop the match, or add 'web' to callers",
    fix: 'drop the match, or add the service to callers',
  },
  MESH1089: {
    meaning: "warning: a Sidecar egress scope leaves out an endpoint of the mesh's extension providers (the tracing collector...), which its proxies then cannot reach",
    example: "[mesh/web-egress] [MESH1089] the Sidecar leaves out host 'jaeger-collector.observability.svc.cluster.local' of the mesh's tracing provider 'jaeger', so its proxies cannot reach it (spans or logs are dropped): add allowHosts: ['observability/jaeger-collector.observability.svc.cluster.local'] (or 'observability/*')",
    fix: "add the provider's host (or its namespace) to the scope's allowHosts",
  },
  // 1100–1119: TLS at the ingress: listener TLS, HTTPS redirects, passthrough routes
  MESH1100: {
    meaning: "a gateway listener's tls is not a ListenerTls, is set on a listener that is not HTTPS, is given beside credentialName, or names no Secret",
    example: '[mesh/gw] [MESH1100] TLS listener 443 has tls, which only HTTPS listeners terminate (a TLS listener passes the stream through unread): make the listener HTTPS, or drop tls',
    fix: 'make tls with ListenerTls.simple(), mutual() or optionalMutual(), on HTTPS listeners only, instead of credentialName',
  },
  MESH1101: {
    meaning: "a listener's minimum TLS version is above its maximum",
    example: '[mesh/gw] [MESH1101] listener 443 tls minVersion TLSV1_3 is above maxVersion TLSV1_2, so no TLS version is left and every handshake fails: lower minVersion or raise maxVersion',
    fix: 'lower minVersion or raise maxVersion',
  },
  MESH1102: {
    meaning: "a listener's cipherSuites is empty, names a suite Envoy does not accept, lists one twice, or is set where TLS 1.3 alone is accepted",
    example: "[mesh/gw] [MESH1102] listener 443 tls cipherSuites 'TLS_AES_128_GCM_SHA256' is not a cipher suite Envoy accepts (istiod would drop it): use BoringSSL's names of TLS 1.2 suites, e.g. 'ECDHE-ECDSA-AES256-GCM-SHA384' (TLS 1.3's are not configurable)",
    fix: "list BoringSSL's names of TLS 1.2 cipher suites, each once, or leave cipherSuites out",
  },
  MESH1103: {
    meaning: 'a listener TLS setting that Istio 1.30 does not read from a Gateway API listener, with the Gateway API chosen for routing',
    example: "[mesh/gw] [MESH1103] listener 443 sets minVersion (Istio 1.30 reads no TLS version, cipher or client certificate options from a Gateway API listener), which the Gateway API cannot express, so gateway 'gw' cannot be rendered with it: drop the setting, or set the mesh's allowIstioApiFallback",
    fix: "drop the setting, or set the mesh's allowIstioApiFallback to keep the gateway in Istio's API",
  },
  MESH1104: {
    meaning: 'warning: a listener accepts TLS 1.0 or 1.1 but lists no cipherSuites, and Envoy\'s defaults have none those clients offer',
    example: "[mesh/gw] [MESH1104] listener 443 tls minVersion TLSV1_0 has no cipherSuites, and Envoy's default cipher suites no longer include any that TLSV1_0 clients offer, so they still cannot connect: list cipherSuites they offer (e.g. 'ECDHE-RSA-AES128-SHA'), or raise minVersion to TlsVersion.TLSV1_2",
    fix: 'list cipher suites the old clients offer, or raise minVersion to TLS 1.2',
  },
  MESH1105: {
    meaning: "a listener's client certificate settings are set on SIMPLE TLS, empty, or malformed (an SPKI or certificate hash that is not SHA-256)",
    example: "[mesh/gw] [MESH1105] listener 443 tls verifyCertificateHash 'abc' is not a SHA-256 hash in hex (64 digits, optionally in pairs separated by ':')",
    fix: 'use ListenerTls.mutual() for client certificate settings, and give SHA-256 hashes (hex for certificates, base64 for SPKIs)',
  },
  MESH1106: {
    meaning: 'httpsRedirect is set on a listener that is not plain HTTP, or on an egress gateway',
    example: '[mesh/gw] [MESH1106] HTTPS listener 443 has httpsRedirect, which only plain HTTP listeners take: drop it, or set it on the HTTP listener',
    fix: "set httpsRedirect on an ingress gateway's HTTP listener only",
  },
  MESH1107: {
    meaning: 'an HTTP listener redirects to HTTPS hosts that no HTTPS listener of the gateway serves',
    example: "[mesh/gw] [MESH1107] listener 80 redirects to HTTPS, but no HTTPS listener of the gateway serves 'shop.example.com', so the redirected clients would find nothing there: add an HTTPS listener with that host, or drop httpsRedirect",
    fix: 'add an HTTPS listener serving the hosts, or drop httpsRedirect',
  },
  // 1120–1139: mTLS migration: stages, plaintext clients
  MESH1120: {
    meaning: 'a declared plaintext client calls a port that STRICT mTLS makes refuse plaintext',
    example: "[mesh/to-strict/ns-shop] [MESH1120] plaintext client 'nightly-report' (namespace 'batch') calls service 'orders' on port 8080, which namespace 'shop' makes STRICT, so its calls are refused: keep namespace 'shop' PERMISSIVE for now (MtlsStage.permissive), move the client into the mesh, or leave the port PERMISSIVE with MtlsStage.strict(PolicyScope.workload(orders), { permissivePorts: [8080] })",
    fix: 'keep the scope PERMISSIVE for now, move the client into the mesh, or leave its port PERMISSIVE on the workload (permissivePorts)',
  },
  MESH1121: {
    meaning: 'a declared plaintext client calls a service whose AccessPolicy names callers by mTLS identity, or that denies by default: refused whatever the mTLS mode',
    example: "[mesh/nightly-report] [MESH1121] calls service 'orders', whose AccessPolicy (mesh/orders-access) names its callers by mTLS identity, and a plaintext call carries none, so it is refused whatever the mTLS mode: admit the client by address (Caller.ipBlock(...)) or every caller (Caller.anyone()) in that AccessPolicy, or move the client into the mesh",
    fix: 'admit the client by address (Caller.ipBlock) or every caller (Caller.anyone()), or move the client into the mesh',
  },
  MESH1122: {
    meaning: 'warning: a PERMISSIVE stage of an mTLS migration (or a PERMISSIVE mesh with a migration) has no declared plaintext client left',
    example: "[mesh/to-strict/ns-legacy] [MESH1122] namespace 'legacy' is still PERMISSIVE, but no PlaintextClient calls it in plaintext: move it to STRICT with MtlsStage.strict(PolicyScope.namespace('legacy')), or declare the clients it waits for with PlaintextClient",
    fix: 'move the scope to STRICT (the mesh: mtls: MtlsMode.STRICT), or declare the plaintext clients it waits for',
  },
  MESH1123: {
    meaning: 'warning: a stage of an mTLS migration sets the mode its scope inherits anyway',
    example: "[mesh/to-strict/ns-shop] [MESH1123] namespace 'shop' is STRICT, as the whole mesh is, so the stage changes nothing: drop it from the migration",
    fix: 'drop the stage',
  },
  MESH1124: {
    meaning: 'a PlaintextClient calls no service',
    example: '[mesh/batch] [MESH1124] calls no service: list the services of the mesh it calls in plaintext, e.g. calls: [{ service: orders }], or remove the client',
    fix: 'list the services it calls, or remove the client',
  },
  MESH1125: {
    meaning: "an MtlsStage was given the whole mesh, whose mode is the Mesh's mtls prop",
    example: "[MESH1125] MtlsStage.strict: scope is the whole mesh, whose mode is the Mesh's 'mtls' prop: stage namespaces and workloads here, and set mtls: MtlsMode.STRICT on the Mesh as the last step",
    fix: "stage namespaces and workloads; set the mesh-wide mode with the Mesh's mtls prop",
  },
} as const;

/**
 * A code of the catalogue: `meshError()`, `formatFinding()` and the analyzer accept nothing else.
 */
export type MeshCode = keyof typeof CODES;
