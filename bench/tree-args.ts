/**
 * What the paired-tree load benchmarks (load-cpu.ts, load-min.ts) share: their command-line options, the src/ tree
 * they load from (`--src`, default this tree's) and the ONNX files of ../shared/models.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const HERE = new URL('.', import.meta.url).pathname;

/** The value after `--name` on the command line, if any. */
export function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Whether the bare flag `--name` is on the command line. */
export function flag(name: string): boolean {
  return args.includes(name);
}

/** The src/ folder to load the analyzer from: `--src DIR`, default this tree's. */
export const SRC_DIR = resolve(option('--src') ?? join(HERE, '../src'));
/** ../shared/models beside the project. */
export const SHARED_MODELS_DIR = resolve(HERE, '../../shared/models');

/** Every .onnx file below a folder, in a stable (sorted) order. */
export function onnxFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...onnxFilesUnder(p));
    else if (p.endsWith('.onnx')) out.push(p);
  }
  return out;
}

/** A model as the load benchmarks see it (they only pass it from loadModel to inferShapes). */
export type BenchModel = { graph: unknown };
/** loadModel and inferShapes of the src/ tree `src`. */
export interface TreeLoader {
  loadModel: (p: string) => BenchModel;
  inferShapes: (m: BenchModel) => unknown;
}

/** Imports loadModel and inferShapes from the src/ tree `src` (a paired benchmark loads two trees). */
export async function treeLoader(src: string): Promise<TreeLoader> {
  const { loadModel } = (await import(pathToFileURL(join(src, 'analyzer/load.ts')).href)) as Pick<TreeLoader, 'loadModel'>;
  const { inferShapes } = (await import(pathToFileURL(join(src, 'analyzer/shapes/infer.ts')).href)) as Pick<TreeLoader, 'inferShapes'>;
  return { loadModel, inferShapes };
}

/** The ONNX files under `dir` whose path holds `filter` (if given) and that load and shape-infer (bench/run.ts's ratio set). */
export function loadableOnnxFiles(dir: string, tree: TreeLoader, filter?: string): string[] {
  return onnxFilesUnder(dir).filter((f) => {
    if (filter && !f.includes(filter)) return false;
    try {
      tree.inferShapes(tree.loadModel(f));
      return true;
    } catch {
      return false;
    }
  });
}
