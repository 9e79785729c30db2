/**
 * Published figures for a report: the rows of ST's benchmark tables (data/published/*.csv, copied from
 * the STM32 model zoo READMEs with their source) that describe the same network, resolution and data set
 * as the model in the report. Only like-for-like rows: a 101-class table row is not shown beside a
 * 5-class model. For each board, metric and resolution the newest zoo release wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../targets/calibration/csv.ts';
import { benchmarkedInputDtype } from '../targets/calibration/model-sources.ts';
import { featureFileName, type FeatureRecord } from '../targets/calibration/feature-store.ts';
import { weightFormsByRowId, type WeightsForm } from '../targets/calibration/weight-forms.ts';
import { mpuCpuPath } from '../targets/latency/runtime-path.ts';
import { toolWords } from '../targets/latency/engine-words.ts';
import { builtinProfiles } from '../targets/resolve.ts';
import type { FigureSource, PublishedFigure } from './types.ts';

const KIB = 1024;
/** The project's data folder (data/published holds ST's tables as CSV with their sources). */
const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../data');

/** An image input's height × width × channels, as ST's tables print it ("256x128x3"); channels may be unknown. */
export interface InputSize {
  h: number;
  w: number;
  c?: number;
}

export interface PublishedQuery {
  /** Architecture id as in the data (`st_efficientnet_lc_v1`). */
  arch: string;
  /** Square input sides: rows published at side × side (any channel count). */
  resolutions?: number[];
  /** Input sizes H × W × C (non-square too): rows published at that height, width and, when both say it, channel count. */
  inputSizes?: InputSize[];
  /** Data sets whose rows match the model (class count decides weights flash), e.g. ['tf_flowers']. */
  datasets: string[];
  /** Published format, default 'Int8'. */
  format?: string;
}

const METRIC_COLUMNS: [PublishedFigure['metric'], string, number][] = [
  ['latencyMs', 'inference_ms', 1],
  ['activationRamBytes', 'activation_ram_kib', KIB],
  ['weightsFlashBytes', 'weights_flash_kib', KIB],
  ['internalRamBytes', 'internal_ram_kib', KIB],
  ['externalRamBytes', 'external_ram_kib', KIB],
];

/** Zoo releases newest first: '4.1' > '4.0' > 'legacy-2024' > 'legacy-2023'. */
function releaseRank(release: string): number {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (m) return 10_000 + Number(m[1]) * 100 + Number(m[2]);
  const y = /(\d{4})/.exec(release);
  return y ? Number(y[1]) : 0;
}

/** "256x128x3" → { h: 256, w: 128, c: 3 }; "64x50" → { h: 64, w: 50 }; undefined for other forms ("1x512x1" is h 1). */
export function parseInputSize(text: string): InputSize | undefined {
  const m = /^(\d+)x(\d+)(?:x(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  return { h: Number(m[1]), w: Number(m[2]), ...(m[3] !== undefined ? { c: Number(m[3]) } : {}) };
}

/** Same height and width, and the same channel count when both give one. */
export function sameInputSize(a: InputSize, b: InputSize): boolean {
  return a.h === b.h && a.w === b.w && (a.c === undefined || b.c === undefined || a.c === b.c);
}

export function formatInputSize(s: InputSize): string {
  return [s.h, s.w, ...(s.c !== undefined ? [s.c] : [])].join('×');
}

function matchesQuery(size: InputSize, query: PublishedQuery): boolean {
  if (size.h === size.w && (query.resolutions ?? []).includes(size.h)) return true;
  return (query.inputSizes ?? []).some((q) => sameInputSize(size, q));
}

function boardNames(): Map<string, string> {
  try {
    return new Map(builtinProfiles().map((p) => [p.id, p.name]));
  } catch {
    return new Map();
  }
}

/** Rows of data/published/{mcu,npu,mpu}.csv with the table each came from, parsed once per data folder. */
const tablesByDir = new Map<string, { table: string; row: Record<string, string> }[]>();
function publishedRows(dataDir: string): { table: string; row: Record<string, string> }[] {
  let rows = tablesByDir.get(dataDir);
  if (!rows) {
    rows = [];
    for (const table of ['mcu', 'npu', 'mpu']) {
      const path = join(dataDir, 'published', `${table}.csv`);
      if (!existsSync(path)) continue;
      for (const row of parseCsv(readFileSync(path, 'utf8'))) rows.push({ table, row });
    }
    tablesByDir.set(dataDir, rows);
  }
  return rows;
}

export function findPublishedFigures(query: PublishedQuery, dataDir = DATA_DIR): PublishedFigure[] {
  const names = boardNames();
  const format = query.format ?? 'Int8';
  const best = new Map<string, { rank: number; figure: PublishedFigure }>();
  for (const { table, row: r } of publishedRows(dataDir)) {
    if (r.arch !== query.arch || r.format !== format || !query.datasets.includes(r.dataset ?? '')) continue;
    const size = parseInputSize(r.resolution ?? '');
    if (size === undefined || !matchesQuery(size, query)) continue;
    for (const [metric, column, scale] of METRIC_COLUMNS) {
      const raw = r[column];
      if (raw === undefined || raw.trim() === '' || !Number.isFinite(Number(raw))) continue;
      const key = `${r.target}|${size.h}x${size.w}x${size.c ?? ''}|${metric}`;
      const rank = releaseRank(r.zoo_release ?? '');
      const prior = best.get(key);
      if (prior && prior.rank >= rank) continue;
      best.set(key, { rank, figure: figureOfRow({ table, row: r }, metric, Number(raw) * scale, size, dataDir, names) });
    }
  }
  const metricOrder = METRIC_COLUMNS.map(([m]) => m);
  return [...best.values()]
    .map((b) => b.figure)
    .sort(
      (a, b) =>
        a.inputSize!.h - b.inputSize!.h ||
        a.inputSize!.w - b.inputSize!.w ||
        (a.inputSize!.c ?? 0) - (b.inputSize!.c ?? 0) ||
        a.targetId.localeCompare(b.targetId) ||
        metricOrder.indexOf(a.metric) - metricOrder.indexOf(b.metric),
    );
}

/** One published figure of a table row (`value`: the row's `metric` column in our unit), with what it was measured on. */
function figureOfRow({ table, row: r }: { table: string; row: Record<string, string> }, metric: PublishedFigure['metric'], value: number, size: InputSize, dataDir: string, names: Map<string, string>): PublishedFigure {
  const resolution = size.h === size.w ? size.h : undefined;
  const tool = r.tool_version ? `, ${toolWords(r.tool_version)}` : '';
  const inputDtype = metric === 'activationRamBytes' ? benchmarkedInputDtype(r.model_file || r.stand_in_ref || '') : undefined;
  const cpuPath = metric === 'latencyMs' && table === 'mpu' && r.engine === 'a7' ? publishedCpuPath(dataDir, r.stand_in_ref, r.tool_version) : undefined;
  const weightsForm = metric === 'weightsFlashBytes' ? weightFormRows(dataDir).get(r.row_id ?? '') : undefined;
  return {
    ...(cpuPath ? { publishedCpuPath: cpuPath } : {}),
    ...(weightsForm ? { publishedWeightsForm: weightsForm } : {}),
    ...(inputDtype ? { publishedInputDtype: inputDtype } : {}),
    ...(r.stand_in === 'exact-file' && r.stand_in_ref ? { benchmarkedFile: r.stand_in_ref } : {}),
    targetId: r.target ?? '',
    board: names.get(r.target ?? '') ?? r.target ?? '',
    ...(resolution !== undefined ? { resolution } : {}),
    inputSize: size,
    metric,
    publishedValue: value,
    row: `${r.model} (${r.dataset}, ${r.format}, ${r.resolution}${tool})`,
    ...(r.row_id ? { rowId: r.row_id } : {}),
    source: { zooRelease: r.zoo_release ?? '', table: r.source ?? '' },
  };
}

/** Row id → weights form (calibration/weight-forms.ts), read once per data folder. */
const weightFormsByDir = new Map<string, Map<string, WeightsForm>>();
function weightFormRows(dataDir: string): Map<string, WeightsForm> {
  let forms = weightFormsByDir.get(dataDir);
  if (!forms) weightFormsByDir.set(dataDir, (forms = weightFormsByRowId(dataDir)));
  return forms;
}

/** Stored feature records read so far, by path (undefined: absent or unreadable). */
const featureRecordsByPath = new Map<string, FeatureRecord | undefined>();
function storedFeatures(path: string): FeatureRecord | undefined {
  if (featureRecordsByPath.has(path)) return featureRecordsByPath.get(path);
  let rec: FeatureRecord | undefined;
  try {
    rec = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FeatureRecord) : undefined;
  } catch {
    rec = undefined;
  }
  featureRecordsByPath.set(path, rec);
  return rec;
}

/** The A7 kernel path of the file a published MPU row was timed on, from its stand-in's stored features. */
function publishedCpuPath(dataDir: string, ref: string | undefined, toolVersion: string | undefined): 'xnnpack' | 'builtin' | undefined {
  if (!ref) return undefined;
  const rec = storedFeatures(join(dataDir, 'features', featureFileName(ref)));
  return rec ? mpuCpuPath(rec.features.runtimeShapeOps, toolVersion || undefined) : undefined;
}

/**
 * The published query for a model file that ST's tables were measured on (or stand in for, row by row in the
 * data: `stand_in_ref`), matched by file name: `edgefit report st_efficientnet_lc_v1_224_tfs_int8.tflite`
 * shows ST's figures for that network and input size (square or not: `yamnet_e256_64x96_tl_int8.tflite` at
 * 64x96x1). Undefined when no row names the file. The report matches the rows against the input size the model
 * is analysed at (build-input.ts), so an --input-shape that changes it shows no rows of another size.
 */
export function publishedQueryForFile(modelPath: string, dataDir = DATA_DIR): PublishedQuery | undefined {
  const name = basename(modelPath);
  const archs = new Set<string>();
  const formats = new Set<string>();
  const datasets = new Set<string>();
  const sizes = new Map<string, InputSize>();
  for (const { row: r } of publishedRows(dataDir)) {
    if (r.stand_in !== 'exact-file' && r.stand_in !== 'same-arch-file') continue;
    if (!r.stand_in_ref || basename(r.stand_in_ref) !== name) continue;
    const size = parseInputSize(r.resolution ?? '');
    if (!r.arch || size === undefined) continue;
    archs.add(r.arch);
    formats.add(r.format ?? 'Int8');
    datasets.add(r.dataset ?? '');
    sizes.set(formatInputSize(size), size);
  }
  if (archs.size !== 1 || formats.size !== 1) return undefined;
  const inputSizes = [...sizes.values()];
  const resolutions = inputSizes.filter((s) => s.h === s.w).map((s) => s.h);
  return { arch: [...archs][0]!, format: [...formats][0]!, datasets: [...datasets], resolutions, inputSizes };
}

/**
 * The published tables behind the calibration of the given targets: distinct (zoo release, README@commit) of
 * the rows for those targets that have a model behind them (the rows the latency and memory fits can use).
 */
export function calibrationSources(targetIds: string[], dataDir = DATA_DIR): FigureSource[] {
  const wanted = new Set(targetIds);
  const seen = new Map<string, FigureSource>();
  for (const { row: r } of publishedRows(dataDir)) {
    if (!wanted.has(r.target ?? '') || !r.stand_in || r.stand_in === 'none' || !r.source) continue;
    const key = `${r.zoo_release}|${r.source}`;
    if (!seen.has(key)) seen.set(key, { zooRelease: r.zoo_release ?? '', table: r.source });
  }
  return [...seen.values()].sort((a, b) => releaseRank(b.zooRelease) - releaseRank(a.zooRelease) || a.table.localeCompare(b.table));
}
