/**
 * Copies the published rows edgefit calibrates on from ../shared/calibration into data/published/*.csv,
 * row by row with their source, the target/engine they belong to, the tool version, and the stand-in
 * (which model file or reconstruction our features come from, and how faithful it is).
 *
 *   node --import tsx src/targets/calibration/import-published.ts [sharedDir]
 *
 * Rows for boards edgefit has no profile for (NUCLEO-U3C5ZI-Q, STM32F401) and float Keras rows are left out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, toCsv } from './csv.ts';
import { standInFor, timingContradiction, type PublishedRowKey } from './model-sources.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const PUBLISHED_COLUMNS = [
  'row_id',
  'table',
  'target',
  'engine',
  'tool_version',
  'zoo_release',
  'arch',
  'stand_in',
  'stand_in_ref',
  'fallback_ref',
  'memory_comparable',
  'latency_comparable',
  'stand_in_note',
  'model',
  'model_file',
  'dataset',
  'format',
  'resolution',
  'quantization',
  'frequency_mhz',
  'inference_ms',
  'activation_ram_kib',
  'runtime_ram_kib',
  'weights_flash_kib',
  'code_flash_kib',
  'internal_ram_kib',
  'external_ram_kib',
  'npu_pct',
  'gpu_pct',
  'cpu_pct',
  'framework',
  'approximate',
  'source',
  'row_kind',
  'notes',
];

type Out = Record<string, string>;

function targetOf(board: string, series: string, engine: string, freq: string): { target: string; engine: string } | undefined {
  const b = board.trim().toUpperCase();
  if (b === 'STM32H747I-DISCO') return { target: 'stm32h747i-disco', engine: 'cm7' };
  if (b === 'STM32F769I-DISCO' || b === 'STM32H769I-DISCO') return { target: 'stm32f769i-disco', engine: 'cm7' };
  if (b === 'B-U585I-IOT02A') return { target: 'b-u585i-iot02a', engine: 'cm33' };
  if (b === 'STM32N6570-DK' || (!b && series === 'STM32N6')) return { target: 'stm32n6570-dk', engine: 'npu' };
  if (b.startsWith('STM32MP257F')) return { target: 'stm32mp257f-dk2', engine: /NPU|GPU/i.test(engine) ? 'npugpu' : 'a35' };
  if (b.startsWith('STM32MP157F')) return { target: 'stm32mp157f-dk2', engine: 'a7' };
  if (b.startsWith('STM32MP135F')) return { target: 'stm32mp135f-dk2', engine: 'a7' };
  void freq;
  return undefined;
}

/** "~21" → 21 (approximate), "1024 B" → 1 KiB. */
function kib(v: string): { value: string; approx: boolean } {
  const t = v.trim();
  if (!t || t === 'NA') return { value: '', approx: false };
  const approx = t.includes('~');
  const b = /^([\d.]+)\s*B$/.exec(t.replace('~', '').trim());
  if (b) return { value: String(Number(b[1]) / 1024), approx };
  const n = Number(t.replace('~', '').trim());
  return { value: Number.isFinite(n) ? String(n) : '', approx };
}

function majorMinor(v: string): string {
  const m = /(\d+)\.(\d+)/.exec(v);
  return m ? `${m[1]}.${m[2]}` : '';
}

function build(table: 'mcu' | 'npu' | 'mpu', origin: PublishedRowKey['origin'], r: Record<string, string>, idx: number): Out | undefined {
  const t = targetOf(r.board ?? '', r.series ?? '', r.engine ?? '', r.frequency_mhz ?? '');
  if (!t) return undefined;
  if (/FLOAT32/i.test(r.format ?? '') || /\.(h5|keras)$/.test(r.model_file ?? '')) return undefined;
  const file = (r.model_file || r.model_file_inferred || '').split('/').pop()!.split(':').pop()!;
  let tool = '';
  const xlinux = (v: string) => `x-linux-ai-${v.replace(/^X-LINUX-AI\s*/i, '').replace(/^v/, '')}`;
  if (table === 'mpu' && r.xlinux_ai_version) tool = xlinux(r.xlinux_ai_version);
  else if (table === 'mpu' && r.stm32cubeai_version) tool = `cubeai-${majorMinor(r.stm32cubeai_version)}`;
  else if (origin === 'zoo-4') tool = r.stedgeai_version ? `stedgeai-${majorMinor(r.stedgeai_version)}` : '';
  else if (r.xlinux_ai_version) tool = xlinux(r.xlinux_ai_version);
  else if (r.stm32cubeai_version) tool = `cubeai-${majorMinor(r.stm32cubeai_version)}`;
  const key: PublishedRowKey = { model: r.model ?? '', file, resolution: r.resolution ?? '', dataset: r.dataset ?? '', format: r.format ?? '', origin, table };
  let s = standInFor(key);
  // calibration README caveat: the N6 "Person" time row prints 224x224x3 for the 128 model; keep it, unused
  const fileRes = [...file.matchAll(/_(\d{2,3})(?=[_.])/g)].pop()?.[1];
  const square = /^(\d+)x\1x[13]$/.exec(key.resolution);
  if (fileRes && square && Number(fileRes) >= 96 && fileRes !== square[1]) {
    s = { kind: 'none', arch: s.arch, ref: '', memoryComparable: false, note: `published resolution ${key.resolution} contradicts the file name (${file}); not used` };
  }
  const contradiction = timingContradiction(s.arch, table, t.engine, tool);
  const out: Out = {
    row_id: `${table}-${origin}-${idx}`,
    table,
    target: t.target,
    engine: t.engine,
    tool_version: tool,
    zoo_release: r.zoo_release ?? (origin === 'legacy-bvenreply' ? 'legacy-2023' : 'legacy-2024'),
    arch: s.arch,
    stand_in: s.kind,
    stand_in_ref: s.ref,
    fallback_ref: s.fallbackRef ?? '',
    memory_comparable: String(s.memoryComparable),
    latency_comparable: String(!contradiction),
    stand_in_note: contradiction ? `${s.note}; latency not comparable on this engine: ${contradiction.evidence}` : s.note,
    model: r.model ?? '',
    model_file: r.model_file || (r.model_file_inferred ? `${r.model_file_inferred} (inferred)` : ''),
    dataset: r.dataset ?? '',
    format: r.format ?? '',
    resolution: r.resolution ?? '',
    quantization: (r.quantization ?? '').replace(/\*/g, '').trim(),
    frequency_mhz: r.frequency_mhz ?? '',
    source: r.source ?? '',
    row_kind: r.row_kind ?? '',
    notes: r.notes ?? '',
  };
  let approx = false;
  for (const c of ['inference_ms', 'activation_ram_kib', 'runtime_ram_kib', 'weights_flash_kib', 'code_flash_kib', 'internal_ram_kib', 'external_ram_kib']) {
    const k = kib(r[c] ?? '');
    out[c] = k.value;
    approx ||= k.approx;
  }
  out.approximate = String(approx);
  // MPU tables: where ST measured the time (share of NPU / GPU / CPU) and with which framework
  for (const c of ['npu_pct', 'gpu_pct', 'cpu_pct', 'framework']) out[c] = (r[c] ?? '').trim();
  if (!out.inference_ms && !out.activation_ram_kib && !out.weights_flash_kib && !out.internal_ram_kib) return undefined;
  return out;
}

export function importPublished(sharedDir: string): Record<'mcu' | 'npu' | 'mpu', Out[]> {
  const read = (f: string) => parseCsv(readFileSync(join(sharedDir, 'calibration', f), 'utf8'));
  const out = { mcu: [] as Out[], npu: [] as Out[], mpu: [] as Out[] };
  read('published_mcu.csv').forEach((r, i) => {
    const o = build(r.series === 'STM32N6' ? 'npu' : 'mcu', 'zoo-4', r, i);
    if (o && o.table === 'mcu') out.mcu.push(o);
  });
  read('published_npu.csv').forEach((r, i) => {
    const o = build('npu', 'zoo-4', r, i);
    if (o) out.npu.push(o);
  });
  read('published_mpu.csv').forEach((r, i) => {
    const o = build('mpu', 'zoo-4', r, i);
    if (o) out.mpu.push(o);
  });
  read('published_legacy_tflite.csv').forEach((r, i) => {
    const origin = (r.source ?? '').startsWith('bvenreply') ? 'legacy-bvenreply' : 'legacy-elhadidy';
    const table = (r.board ?? '').startsWith('STM32MP') ? 'mpu' : 'mcu';
    const o = build(table, origin, r, i);
    if (o) out[table].push(o);
  });
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const shared = resolve(process.argv[2] ?? join(REPO, '../shared'));
  const tables = importPublished(shared);
  for (const [name, rows] of Object.entries(tables)) {
    const path = join(REPO, 'data/published', `${name}.csv`);
    writeFileSync(path, toCsv(PUBLISHED_COLUMNS, rows));
    const used = rows.filter((r) => r.stand_in !== 'none').length;
    console.log(`${path}: ${rows.length} rows (${used} with a stand-in model)`);
  }
}
