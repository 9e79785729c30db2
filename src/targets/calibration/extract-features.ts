/**
 * Computes the per-model features of every stand-in named in data/published/*.csv with our own analyzer and
 * writes them to data/features/<key>.json, so calibration runs without ../shared (model files are never
 * committed; these derived figures are).
 *
 *   node --import tsx src/targets/calibration/extract-features.ts [sharedDir]
 *
 * Files are read from <sharedDir>/models; `zoo:` stand-ins are built by src/zoo (buildZooModel) into a
 * temporary ONNX file and analyzed like any user file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeForTargets } from '../analyze-model.ts';
import type { Analysis } from '../../analyzer/layer.ts';
import type { ZooBuildOptions, ZooIo } from '../../zoo/index.ts';
import { modelFeatures } from '../model-features.ts';
import { featureFileName, type FeatureRecord } from './feature-store.ts';
import { parseCsv } from './csv.ts';
import { benchmarkedExportAnalysis, benchmarkedExportsByStandIn, type BenchmarkedExport } from './benchmarked-exports.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FEATURES_DIR = join(REPO, 'data/features');
export const PUBLISHED_DIR = join(REPO, 'data/published');

export { featureFileName, type FeatureRecord };

type AnalyzeFile = (path: string) => Analysis | Promise<Analysis>;

async function analyzer(): Promise<AnalyzeFile> {
  return (path) => analyzeForTargets(path);
}

function zooOptions(ref: string): { id: string; opts: ZooBuildOptions } {
  // zoo:<net>[_a<alpha>][_d<depth>]_<H>x<W>x<C>_c<classes>[_io<int8|uint8>]
  const m = /^zoo:(.+?)(?:_a([\d.]+))?(?:_d(\d+))?_(\d+)x(\d+)x(\d+)_c(\d+)(?:_io(int8|uint8))?$/.exec(ref);
  if (!m) throw new Error(`bad zoo ref ${ref}`);
  const [h, w] = [Number(m[4]), Number(m[5])];
  const opts: ZooBuildOptions = { resolution: h === w ? h : [h, w], channels: Number(m[6]), classes: Number(m[7]) };
  if (m[2]) opts.alpha = Number(m[2]);
  if (m[3]) opts.depth = Number(m[3]);
  if (m[8]) opts.io = m[8] as ZooIo;
  return { id: m[1]!, opts };
}

export async function extractOne(ref: string, sharedDir: string, analyze: AnalyzeFile, exportOf?: BenchmarkedExport): Promise<FeatureRecord> {
  let path: string;
  let tmp: string | undefined;
  if (ref.startsWith('zoo:')) {
    const { buildZooModel } = await import('../../zoo/index.ts');
    const { id, opts } = zooOptions(ref);
    const model = buildZooModel(id, opts);
    tmp = mkdtempSync(join(tmpdir(), 'edgefit-zoo-'));
    path = join(tmp, `${model.name}.onnx`);
    writeFileSync(path, model.bytes);
  } else {
    path = join(sharedDir, 'models', ref);
  }
  try {
    const bytes = readFileSync(path);
    const analysis = await analyze(path);
    return {
      ref,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fileBytes: bytes.length,
      analyzer: 'edgefit analyzeFile',
      features: modelFeatures(analysis, { withLitePeak: true }),
      ...(exportOf ? { benchmarkedExport: { differs: exportOf, features: modelFeatures(benchmarkedExportAnalysis(analysis, exportOf), { withLitePeak: true }) } } : {}),
    };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

export function referencedModels(): string[] {
  const refs = new Set<string>();
  for (const f of readdirSync(PUBLISHED_DIR).filter((n) => n.endsWith('.csv'))) {
    for (const r of parseCsv(readFileSync(join(PUBLISHED_DIR, f), 'utf8'))) {
      if (r.stand_in_ref) refs.add(r.stand_in_ref);
      if (r.fallback_ref) refs.add(r.fallback_ref);
    }
  }
  return [...refs].sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const shared = resolve(process.argv[2] ?? join(REPO, '../shared'));
  const only = process.argv[3];
  const analyze = await analyzer();
  const exports = benchmarkedExportsByStandIn(join(REPO, 'data'));
  let ok = 0;
  for (const ref of referencedModels()) {
    if (only && !ref.includes(only)) continue;
    const out = join(FEATURES_DIR, featureFileName(ref));
    if (!ref.startsWith('zoo:') && !existsSync(join(shared, 'models', ref))) {
      console.log(`skip ${ref}: not in ${shared}/models`);
      continue;
    }
    try {
      const rec = await extractOne(ref, shared, analyze, exports.get(ref));
      writeFileSync(out, JSON.stringify(rec, null, 1) + '\n');
      ok++;
      console.log(`${ref}: ${rec.features.macs} MACs, ${rec.features.weightBytes} B weights, peak ${rec.features.activationPeakBytes} B (${rec.features.activationPeakSource})${rec.features.partial ? ' PARTIAL' : ''}`);
    } catch (e) {
      console.log(`FAILED ${ref}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  console.log(`${ok} feature files in ${FEATURES_DIR}`);
}
