import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, Names, YamlOutputType } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { MeshCode } from './analysis/codes';
import { meshError, reportError } from './private/errors';
import { checkDuration } from './private/istio-rules';

/**
 * Properties of an `ApplyScript`.
 */
export interface ApplyScriptProps {
  /**
   * The script's file name, in the App's output directory. It must not end in `.yaml`, `.yml` or `.json`,
   * which `kubectl apply -f dist/` would read as manifests.
   *
   * @default 'apply.sh'
   */
  readonly fileName?: string;

  /**
   * How long each wait may take: for a file's CRDs to be established, for a control plane to roll out.
   *
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
}

const SCRIPT = Symbol.for('cdk8s-mesh.ApplyScript');
const WRAPPED = Symbol.for('cdk8s-mesh.ApplyScript.synth');

/** The App a construct is in, if its root is one: what `app.synth()` writes to. */
interface SynthesizingApp extends IConstruct {
  [WRAPPED]?: ApplyScript[];
  readonly outdir: string;
  readonly outputFileExtension: string;
  readonly yamlOutputType: YamlOutputType;
  readonly charts: Chart[];
  synth(): void;
}

/**
 * A POSIX shell script, written beside the manifests, that applies them to an empty cluster (or an existing
 * one) with kubectl in an order that cannot hit the CRD race ("resource mapping not found ... ensure CRDs are
 * installed first"): `app.synth()` (and so `cdk8s synth`) writes `<outdir>/apply.sh`, and `./dist/apply.sh`
 * applies every file `cdk8s synth` wrote, in name order, each with its own `kubectl apply`, and waits where the
 * next file needs it:
 *
 * - a file that defines CustomResourceDefinitions (a mesh's CRD layer, Istio's and the Gateway API's) is
 *   applied server-side (some CRDs are larger than the annotation client-side apply keeps), taking over fields
 *   another manager set (`--force-conflicts`: CRDs Helm or istioctl applied before are the mesh's now), then waited for
 *   with `kubectl wait --for condition=established`: kubectl finds every kind of a file through the API
 *   server's discovery before it applies any, and a CRD's kind appears there only once it is established;
 * - a file that defines admission webhooks (a mesh's control plane layer) is followed by
 *   `kubectl rollout status` of its Deployments and DaemonSets: istiod serves the sidecar injection webhook,
 *   which fails closed, so a pod created before istiod is ready is refused (its Deployment retries, with a
 *   growing delay), and the Istio CNI node agent must run before injected pods start.
 *
 * Every other file is applied as it is (client-side apply, which keeps fields istiod sets on its webhooks).
 * Arguments given to the script are passed to every kubectl command (`./dist/apply.sh --context kind-mesh`);
 * the `KUBECTL` environment variable names another kubectl. The script is written once synthesis has
 * validated the whole App and written its manifests; `Testing.synth()` and `app.synthYaml()` write nothing.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#create-a-customresourcedefinition
 */
export class ApplyScript extends Construct {
  /**
   * Whether `x` is an `ApplyScript` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isApplyScript(x: any): x is ApplyScript {
    return x !== null && typeof x === 'object' && SCRIPT in x;
  }

  /**
   * The script that applies an App's manifests, as `app.synth()` writes it, without writing anything. The
   * App is validated first (as `app.synth()` validates it).
   *
   * @param app the App whose manifests the script applies
   * @param props the script's options
   */
  public static render(app: App, props: ApplyScriptProps = {}): string {
    const checked = checkApp('ApplyScript.render', app);
    const timeout = props?.timeout ?? DEFAULT_TIMEOUT;
    checkTimeout('ApplyScript.render', timeout);
    app.synthYaml(); // validates the App, and adds the chart dependencies cdk8s infers, as app.synth() does
    return renderScript(checked, timeout);
  }

  /** The script's file name, in the App's output directory. */
  public readonly fileName: string;
  /** How long each wait may take. */
  public readonly timeout: Duration;

  public constructor(scope: Construct, id: string, props: ApplyScriptProps = {}) {
    super(scope, id);
    Object.defineProperty(this, SCRIPT, { value: true });
    this.fileName = checkFileName(this, props?.fileName);
    this.timeout = checkTimeout(this, props?.timeout ?? DEFAULT_TIMEOUT) ? props?.timeout ?? DEFAULT_TIMEOUT : DEFAULT_TIMEOUT;
    // Checked at synth, so that a script made after this one is seen too.
    this.node.addValidation({ validate: () => this.checkOnePerApp() });
    const app = this.node.root;
    if (!isApp(app)) {
      reportError(this, 'MESH0772', `the construct tree's root (${(app as object).constructor.name}) is not a cdk8s App, so nothing would write the script: `
        + 'create it in the App (new ApplyScript(app, \'apply\')), or call ApplyScript.render(app) and write it yourself');
      return;
    }
    if (!PER_CHART.includes(app.yamlOutputType)) {
      reportError(this, 'MESH0770', `the App writes ${app.yamlOutputType === YamlOutputType.FILE_PER_APP ? 'every chart into one file' : 'one file per object, not per chart'} `
        + `(yamlOutputType ${YamlOutputType[app.yamlOutputType]}), so no order of commands can apply the CRDs before the objects that use them: `
        + 'use YamlOutputType.FILE_PER_CHART (the default) or FOLDER_PER_CHART_FILE_PER_RESOURCE');
      return;
    }
    whenSynthesized(app, this);
  }

  /**
   * Writes the script into `outdir`.
   *
   * @internal
   */
  public _write(app: SynthesizingApp): void {
    const file = path.join(app.outdir, this.fileName);
    fs.writeFileSync(file, renderScript(app, this.timeout));
    fs.chmodSync(file, 0o755);
  }

  private checkOnePerApp(): string[] {
    const first = this.node.root.node.findAll().find(c => ApplyScript.isApplyScript(c));
    const code: MeshCode = 'MESH0771';
    return first !== this && first
      ? [`[${code}] the App already has an ApplyScript (${first.node.path}): one script applies every chart of the App, keep one`]
      : [];
  }
}

const DEFAULT_TIMEOUT = Duration.minutes(5);
const PER_CHART = [YamlOutputType.FILE_PER_CHART, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE];
const CRD = 'apiextensions.k8s.io/v1/CustomResourceDefinition';
const WEBHOOKS = ['admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration'];
const ROLLED_OUT = ['apps/v1/Deployment', 'apps/v1/DaemonSet'];

/**
 * The script: one `kubectl apply` per chart that has objects, in the order `app.synth()` numbers the files, each
 * followed by the waits the next files need.
 */
function renderScript(app: SynthesizingApp, timeout: Duration): string {
  const wait = `--timeout=${Math.ceil(timeout.toSeconds({ integral: false }))}s`;
  const lines = [
    '#!/bin/sh',
    '# Applies the manifests beside it, each file with its own kubectl apply, in name order, without the CRD race:',
    '# CRDs are established before the files that use them, the control plane rolled out before the workloads.',
    '# Written by cdk8s-mesh\'s ApplyScript at synth (synthesize again rather than edit it). Arguments are passed',
    '# to every kubectl command (./apply.sh --context kind-mesh); KUBECTL names another kubectl.',
    'set -eu',
    'cd "$(dirname "$0")"',
    'kubectl() { command "${KUBECTL:-kubectl}" "$@"; }',
  ];
  for (const { file, chart } of chartFiles(app)) {
    const objects = apiObjectsOf(chart).map(o => o.toJson());
    if (objects.length === 0) {
      // cdk8s writes an empty file, which kubectl refuses ("no objects passed to apply").
      continue;
    }
    const kind = (o: any) => `${o.apiVersion}/${o.kind}`;
    const crds = objects.filter(o => kind(o) === CRD);
    lines.push(`kubectl "$@" apply ${crds.length > 0 ? '--server-side --force-conflicts ' : ''}-f ${file}`);
    if (crds.length > 0) {
      const targets = crds.length === objects.length ? `-f ${file}` : crds.map(o => `crd/${o.metadata.name}`).join(' ');
      lines.push(`kubectl "$@" wait --for condition=established ${wait} ${targets}`);
    }
    if (objects.some(o => WEBHOOKS.includes(kind(o)))) {
      for (const o of objects.filter(x => ROLLED_OUT.includes(kind(x)))) {
        // Without a namespace the object went to the context's namespace (or the one the arguments give): so does the wait.
        const namespace = o.metadata.namespace === undefined ? '' : `-n ${o.metadata.namespace} `;
        lines.push(`kubectl "$@" rollout status ${wait} ${namespace}${o.kind.toLowerCase()}/${o.metadata.name}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Each chart and the file (or, for FOLDER_PER_CHART_FILE_PER_RESOURCE, the folder) `app.synth()` writes it to. */
function chartFiles(app: SynthesizingApp): Array<{ file: string; chart: Chart }> {
  const charts = app.charts;
  // cdk8s numbers the files only when a chart depends on another (a mesh's layers always do).
  const indexed = hasDependantCharts(app);
  return charts.map((chart, i) => {
    const name = `${indexed ? `${i.toString().padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
    return { chart, file: app.yamlOutputType === YamlOutputType.FILE_PER_CHART ? `${name}${app.outputFileExtension}` : `${name}/` };
  });
}

/** Whether cdk8s numbers the files: a chart has a nested chart, or a construct depends on one of another chart. */
function hasDependantCharts(app: SynthesizingApp): boolean {
  const all = app.node.findAll();
  return all.some(c => (Chart.isChart(c) && c.node.children.some(child => Chart.isChart(child)))
    || (c.node.scope !== undefined && c.node.dependencies.some(d => chartOf(d) !== chartOf(c))));
}

function chartOf(c: IConstruct): Chart | undefined {
  return c.node.scopes.slice().reverse().find((s): s is Chart => Chart.isChart(s));
}

/** A chart's own objects (not those of nested charts), in the order cdk8s writes them. */
function apiObjectsOf(chart: Chart): ApiObject[] {
  return chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

function isApp(x: IConstruct): x is SynthesizingApp {
  const app = x as Partial<SynthesizingApp>;
  return typeof app.synth === 'function' && typeof app.outdir === 'string' && Array.isArray(app.charts);
}

function checkApp(method: string, app: App): SynthesizingApp {
  if (!app || typeof app !== 'object' || !('node' in app) || !isApp(app as IConstruct) || (app as IConstruct).node.scope !== undefined) {
    throw meshError('MESH0772', method, `app ${app === undefined ? 'is missing' : 'is not a cdk8s App'}: give the App whose manifests the script applies`);
  }
  const checked = app as unknown as SynthesizingApp;
  if (!PER_CHART.includes(checked.yamlOutputType)) {
    throw meshError('MESH0770', method, `the App writes ${checked.yamlOutputType === YamlOutputType.FILE_PER_APP ? 'every chart into one file' : 'one file per object, not per chart'} `
      + `(yamlOutputType ${YamlOutputType[checked.yamlOutputType]}), so no order of commands can apply the CRDs before the objects that use them: `
      + 'use YamlOutputType.FILE_PER_CHART (the default) or FOLDER_PER_CHART_FILE_PER_RESOURCE');
  }
  return checked;
}

function checkFileName(scope: IConstruct, fileName: string | undefined): string {
  if (fileName === undefined) {
    return 'apply.sh';
  }
  if (typeof fileName !== 'string' || fileName === '' || /[/\\]/.test(fileName) || fileName === '.' || fileName === '..' || /\.(ya?ml|json)$/i.test(fileName)) {
    reportError(scope, 'MESH0773', `fileName '${String(fileName)}' is not a file name the script can have: `
      + 'give a name without a directory that does not end in .yaml, .yml or .json (kubectl apply -f dist/ would read it as manifests), e.g. \'apply.sh\'');
    return 'apply.sh';
  }
  return fileName;
}

function checkTimeout(scope: IConstruct | string, timeout: Duration): boolean {
  const ms = checkDuration(scope, 'MESH0774', 'timeout', timeout);
  if (ms === undefined) {
    return false;
  }
  if (ms < 1000) {
    reportError(scope, 'MESH0774', `timeout ${ms}ms is below a second: kubectl would give up at once, give at least Duration.seconds(1) (the default is 5 minutes)`);
    return false;
  }
  return true;
}

/**
 * Has `app.synth()` write the script once it has done its own work: cdk8s's `synth()` validates the whole App
 * (and throws on any error, before writing a file), then writes the manifests, and no hook runs after that, so
 * the App's own `synth` is wrapped, once per App (as `MeshDiagram` does).
 */
function whenSynthesized(app: SynthesizingApp, script: ApplyScript): void {
  const existing = app[WRAPPED];
  if (existing) {
    existing.push(script);
    return;
  }
  const scripts = [script];
  Object.defineProperty(app, WRAPPED, { value: scripts });
  const synth = app.synth;
  Object.defineProperty(app, 'synth', {
    configurable: true,
    writable: true,
    value: function synthWithScript(this: SynthesizingApp): void {
      synth.call(this);
      for (const s of scripts) {
        s._write(this);
      }
    },
  });
}
