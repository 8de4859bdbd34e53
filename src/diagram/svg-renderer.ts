import { MessageChannel, Worker, receiveMessageOnPort } from 'worker_threads';
import { meshError } from '../private/errors';

/**
 * The worker's code: it loads @viz-js/viz (Graphviz compiled to WebAssembly), renders the DOT text and
 * posts the SVG (or the error) on its port, then wakes the waiting thread.
 */
const WORKER = `
const { workerData } = require('worker_threads');
const { signal, port, viz, dot } = workerData;
(async () => {
  let message;
  try {
    const instance = await require(viz).instance();
    message = { svg: instance.renderString(dot, { format: 'svg', engine: 'dot' }) };
  } catch (e) {
    message = { error: String(e && e.message || e) };
  }
  port.postMessage(message);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
})();
`;

/** How long to wait for Graphviz before giving up. */
const TIMEOUT_MS = 120_000;

/**
 * Renders DOT text to SVG with Graphviz, in this process and synchronously, so that it can run inside
 * `app.synth()`, which is synchronous.
 *
 * @viz-js/viz only offers `instance()`, a Promise: its Emscripten module awaits `WebAssembly.instantiate`
 * and exposes no synchronous instantiation, and a Promise cannot be awaited inside a synchronous call. So
 * the rendering runs in a worker thread while this thread blocks on `Atomics.wait`, and the result is read
 * with `receiveMessageOnPort`: no child process, no system binary, the bundled WebAssembly only.
 *
 * @internal
 */
export function renderSvg(dot: string): string {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { signal, port: port2, viz: require.resolve('@viz-js/viz'), dot },
    transferList: [port2],
  });
  try {
    if (Atomics.wait(signal, 0, 0, TIMEOUT_MS) === 'timed-out') {
      throw meshError('MESH0611', 'MeshDiagram.svg', `Graphviz gave no picture within ${TIMEOUT_MS / 1000} s: write the DOT text (DiagramFormat.DOT) and render it with the dot command`);
    }
    const message = receiveMessageOnPort(port1)?.message as { svg?: string; error?: string } | undefined;
    if (message?.svg === undefined) {
      throw meshError('MESH0611', 'MeshDiagram.svg', `Graphviz could not render the picture (${message?.error ?? 'no answer'}): write the DOT text (DiagramFormat.DOT) and render it with the dot command`);
    }
    return message.svg;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
