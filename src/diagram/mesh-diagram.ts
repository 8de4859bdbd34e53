import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { meshGraph } from './mesh-graph';
import { toDot, toMermaid } from './notation';
import { renderSvg } from './svg-renderer';
import type { MeshCode } from '../analysis/codes';
import type { IMesh } from '../mesh-identity';
import { checkEnumList } from '../private/enums';
import { meshError, reportError } from '../private/errors';
import { isKind, meshOf } from '../private/tree';

/**
 * A notation the picture of a mesh is written in.
 */
export enum DiagramFormat {
  /** A Mermaid flowchart (`.mmd`): GitHub renders it in a Markdown ```mermaid block. */
  MERMAID = 'mmd',
  /** Graphviz DOT (`.dot`): render it with `dot -Tpng`, or any Graphviz viewer. */
  DOT = 'dot',
  /** SVG (`.svg`), rendered from the DOT text by Graphviz compiled to WebAssembly, in this process. */
  SVG = 'svg',
}

/**
 * Properties of a `MeshDiagram`.
 */
export interface MeshDiagramProps {
  /**
   * The notations to write, one file each.
   *
   * @default - every one: Mermaid, DOT and SVG
   */
  readonly formats?: DiagramFormat[];
}

const ALL_FORMATS = [DiagramFormat.MERMAID, DiagramFormat.DOT, DiagramFormat.SVG];
const DIAGRAM = Symbol.for('cdk8s-mesh.MeshDiagram');
const WRAPPED = Symbol.for('cdk8s-mesh.MeshDiagram.synth');

/** The App a construct is in, if its root is one: what `app.synth()` writes to. */
interface SynthesizingApp extends IConstruct {
  [WRAPPED]?: MeshDiagram[];
  readonly outdir: string;
  synth(): void;
}

/**
 * A picture of the mesh, written next to the manifests: `app.synth()` (and so `cdk8s synth`) writes
 * `<outdir>/<mesh id>.mesh.mmd`, `.dot` and `.svg`. It shows the services and their versions by namespace,
 * the weighted routes of each `TrafficSplit` with their matches, who may call whom (an edge per caller an
 * `AccessPolicy` allows, but a revoked identity or one whose `EgressScope` leaves the service out, from "anyone" where nothing restricts the callers), the mTLS mode of each scope
 * that sets one, the gateways with their listeners and routes, and the external services.
 *
 * The files are written once synthesis has validated the whole App and written its manifests, so a mesh
 * with errors gets no picture; `Testing.synth()`, `MeshTesting.synth()` and `app.synthYaml()` write nothing.
 * None of the files ends in `.yaml`, `.yml` or `.json`, so `kubectl apply -f dist/` ignores them (and
 * `cdk8s synth --stdout` prints only the `.yaml` files).
 *
 * The static methods return the same texts without writing anything (for tests, or your own files).
 *
 * @see https://mermaid.js.org/syntax/flowchart.html
 * @see https://graphviz.org/doc/info/lang.html
 */
export class MeshDiagram extends Construct {
  /**
   * Whether `x` is a `MeshDiagram` (told by a symbol, as cdk8s tells charts apart: it works across copies of the library).
   */
  public static isMeshDiagram(x: any): x is MeshDiagram {
    return x !== null && typeof x === 'object' && DIAGRAM in x;
  }

  /**
   * The picture of `mesh` as a Mermaid flowchart.
   */
  public static mermaid(mesh: IMesh): string {
    return toMermaid(meshGraph(checkMesh('MeshDiagram.mermaid', mesh)));
  }

  /**
   * The picture of `mesh` in Graphviz DOT.
   */
  public static dot(mesh: IMesh): string {
    return toDot(meshGraph(checkMesh('MeshDiagram.dot', mesh)));
  }

  /**
   * The picture of `mesh` as SVG, rendered by Graphviz (WebAssembly) in this process.
   */
  public static svg(mesh: IMesh): string {
    return renderSvg(MeshDiagram.dot(checkMesh('MeshDiagram.svg', mesh)));
  }

  /** The mesh pictured. */
  public readonly mesh: IMesh;
  /** The notations written. */
  public readonly formats: DiagramFormat[];

  public constructor(scope: Construct, id: string, props: MeshDiagramProps = {}) {
    super(scope, id);
    Object.defineProperty(this, DIAGRAM, { value: true });
    this.mesh = meshOf(this);
    const formats = checkEnumList(this, 'formats', props?.formats, DiagramFormat, 'DiagramFormat') ? props?.formats ?? ALL_FORMATS : ALL_FORMATS;
    if (formats.length === 0) {
      reportError(this, 'MESH0610', 'formats is empty, so no picture would be written: list at least one, e.g. [DiagramFormat.SVG], or leave it out for all three');
    }
    this.formats = [...new Set(formats)];
    // Checked at synth, so that a diagram made after this one is seen too.
    this.node.addValidation({ validate: () => this.checkOnePerMesh() });
    const app = this.node.root as SynthesizingApp;
    if (typeof app.synth !== 'function' || typeof app.outdir !== 'string') {
      reportError(this, 'MESH0613', `the construct tree's root (${app.constructor.name}) is not a cdk8s App, so nothing would write the picture: create the Mesh in an App, or call MeshDiagram.svg(mesh) and write it yourself`);
      return;
    }
    whenSynthesized(app, this);
  }

  /**
   * The names of the files `app.synth()` writes, in the App's output directory.
   */
  public get fileNames(): string[] {
    const base = this.mesh.node.id.replace(/[^A-Za-z0-9._-]/g, '-');
    return this.formats.map(format => `${base}.mesh.${format}`);
  }

  /**
   * Writes the picture into `outdir`.
   *
   * @internal
   */
  public _write(outdir: string): void {
    const names = this.fileNames;
    this.formats.forEach((format, i) => {
      const text = format === DiagramFormat.MERMAID ? MeshDiagram.mermaid(this.mesh)
        : format === DiagramFormat.DOT ? MeshDiagram.dot(this.mesh)
          : MeshDiagram.svg(this.mesh);
      fs.writeFileSync(path.join(outdir, names[i]), text);
    });
  }

  private checkOnePerMesh(): string[] {
    const diagrams = this.node.root.node.findAll().filter(c => MeshDiagram.isMeshDiagram(c) && c.mesh === this.mesh);
    const first = diagrams[0];
    const code: MeshCode = 'MESH0612';
    return first !== this && first
      ? [`[${code}] the mesh already has a MeshDiagram (${first.node.path}), which writes the same files: give that one every format you need`]
      : [];
  }
}

/**
 * Has `app.synth()` write the diagram once it has done its own work. cdk8s's `synth()` validates the whole
 * App first (and throws on any error, before writing a file), then writes the manifests; no hook runs
 * after that, so the App's own `synth` is wrapped, once per App, and every diagram of the App is written
 * after it returns. A validation would be too early (later validations may still fail), and
 * `Testing.synth()` and `synthYaml()`, which write nothing, do not call `synth()`.
 */
function whenSynthesized(app: SynthesizingApp, diagram: MeshDiagram): void {
  const existing = app[WRAPPED];
  if (existing) {
    existing.push(diagram);
    return;
  }
  const diagrams = [diagram];
  Object.defineProperty(app, WRAPPED, { value: diagrams });
  const synth = app.synth;
  Object.defineProperty(app, 'synth', {
    configurable: true,
    writable: true,
    value: function synthWithDiagrams(this: SynthesizingApp): void {
      synth.call(this);
      for (const d of diagrams) {
        d._write(this.outdir);
      }
    },
  });
}

/** `mesh` as a Mesh, or MESH0097. */
function checkMesh(method: string, mesh: IMesh): IMesh {
  if (!isKind(mesh, 'Mesh')) {
    throw meshError('MESH0097', method, `mesh ${mesh === undefined ? 'is missing' : 'is not a Mesh'}: give the Mesh itself, e.g. new Mesh(app, 'mesh')`);
  }
  return mesh;
}
