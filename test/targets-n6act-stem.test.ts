/**
 * Why the N6 activation plan is above ST on YOLOv8n and YOLO11n (docs/memory-n6.md, session 11): on the three exact
 * detection rows (YOLOv8n, YOLO11n, YOLO26n at 256, STEdgeAI 4.0.0) our Neural-ART pool plan is set by the stem alone
 * (the int8 input copy, the first convolution's output x and the SiLU's Mul output), while ST publishes three
 * different figures for stems that are equal byte for byte. So ST's figure is set after the stem, and a stem that
 * holds x and the SiLU output whole at once (our SiLU rule) is above ST's smallest figure.
 *
 * Oracles: ST's published internal + external RAM (data/published/npu.csv, copied from the zoo READMEs) and the
 * tensor sizes stored in the model files. Our planner is checked against itself only for the diagnosis "whole graph
 * = stem": if a rule change moves the plan off the stem, this test fails and docs/memory-n6.md needs its update.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { activationPoolsOf, neuralArtPoolPlan } from '../src/targets/activation-peak.ts';
import { resolveTarget } from '../src/targets/resolve.ts';
import { MODELS_DIR } from './helpers/shared.ts';

const ROWS = [
  { file: 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite', arch: 'yolov8n' },
  { file: 'object_detection/yolo11n_256_quant_pc_uf_od_coco-person-st.tflite', arch: 'yolo11n' },
  { file: 'object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx', arch: 'yolo26n' },
];
const present = ROWS.every((r) => existsSync(join(MODELS_DIR, r.file)));
if (!present) console.warn('[targets-n6act-stem] the three YOLO detection files are not in ../shared/models: skipped');

/** ST's internal + external RAM (bytes) of the exact-file STEdgeAI 4.0 N6 row of `file`, from data/published/npu.csv. */
function publishedBytes(file: string): number {
  const lines = readFileSync(join(import.meta.dirname, '../data/published/npu.csv'), 'utf8').trim().split('\n');
  const head = lines[0]!.split(',');
  const col = (name: string) => head.indexOf(name);
  // the rows name no quoted field before the columns read here
  const row = lines.slice(1).map((l) => l.split(',')).find((c) => c[col('stand_in_ref')] === file && c[col('tool_version')] === 'stedgeai-4.0' && c[col('stand_in')] === 'exact-file');
  if (!row) throw new Error(`no exact-file 4.0 row for ${file}`);
  return Math.round((Number(row[col('internal_ram_kib')]) + Number(row[col('external_ram_kib')] || 0)) * 1024);
}

/** The analysis cut after layer `last`: its layers, the tensors they produce (and the graph inputs), read only by them. */
function upTo(a: Analysis, last: number): Analysis {
  const tensors = a.tensors
    .filter((t) => t.producer <= last)
    .map((t) => ({ ...t, consumers: t.consumers.filter((c) => c <= last), isGraphOutput: false }));
  return { ...a, layers: a.layers.slice(0, last + 1), tensors };
}

const pools = activationPoolsOf(resolveTarget('STM32N6570-DK'))!;

describe.skipIf(!present)('N6 activation RAM: the YOLO detection rows and their stem (docs/memory-n6.md)', () => {
  const analyses = ROWS.map((r) => ({ ...r, a: analyzeFile(join(MODELS_DIR, r.file)), published: publishedBytes(r.file) }));
  // the stem: up to the first SiLU's Mul (Quantize, [Pad,] Conv, Logistic, Mul)
  const stemEnd = (a: Analysis) => a.layers.findIndex((l) => l.op === 'Mul');
  const bytesOf = (a: Analysis, name: string) => a.tensors.find((t) => t.name === name)!.bytes;
  const stemTensors = (a: Analysis) => {
    const end = stemEnd(a);
    const conv = a.layers.findIndex((l) => l.kind === 'conv');
    return { inputCopy: bytesOf(a, a.layers[0]!.outputs[0]!), x: bytesOf(a, a.layers[conv]!.outputs[0]!), siluOut: bytesOf(a, a.layers[end]!.outputs[0]!) };
  };

  it('the three files have the same stem, byte for byte (the files)', () => {
    for (const { a } of analyses) {
      expect(a.layers[0]!.op).toBe('Quantize');
      expect(stemTensors(a)).toEqual({ inputCopy: 256 * 256 * 3, x: 128 * 128 * 16, siluOut: 128 * 128 * 16 });
    }
  });

  it('ST publishes three different figures for them, YOLOv8n and YOLO11n below input copy + x + SiLU output (ST)', () => {
    const figures = analyses.map((r) => r.published);
    expect(figures).toEqual([638_976, 671_744, 739_369]);
    expect(new Set(figures).size).toBe(3);
    const s = stemTensors(analyses[0]!.a);
    for (const f of figures.slice(0, 2)) expect(f).toBeLessThan(s.inputCopy + s.x + s.siluOut);
  });

  it('our plan of each whole graph is the plan of its stem alone, above ST on YOLOv8n and YOLO11n', () => {
    for (const { a, published, arch } of analyses) {
      const whole = neuralArtPoolPlan(a, pools.pools, pools.addressOrder);
      const stem = neuralArtPoolPlan(upTo(a, stemEnd(a)), pools.pools, pools.addressOrder);
      expect(whole.bytes, arch).toBe(stem.bytes);
      expect(whole.bytes, arch).toBe(720_896);
      expect(whole.pools.map((p) => [p.id, p.bytes]), arch).toEqual([
        ['npuram5', 458_752],
        ['npuram4', 262_144],
      ]);
      if (arch !== 'yolo26n') expect(whole.bytes, arch).toBeGreaterThan(published);
    }
  });
});
