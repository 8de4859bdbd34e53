import * as fs from 'fs';
import * as path from 'path';

/** The files a synthesis wrote (`*.k8s.yaml`, in name order), with their objects and bytes. */
export function filesOf(outdir: string): Array<{ file: string; objects: number; bytes: number }> {
  return fs.readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml')).sort().map(f => {
    const text = fs.readFileSync(path.join(outdir, f), 'utf-8');
    // cdk8s separates documents with a line of its own.
    const objects = text.trim() === '' ? 0 : text.split('\n---\n').length;
    return { file: path.join(outdir, f), objects, bytes: Buffer.byteLength(text) };
  });
}
