/**
 * Which model file (or reconstruction) stands in for each published benchmark row.
 *
 * ST's tables name a model; we can only compute features from a file we hold (../shared/models) or from
 * the zoo builder's reconstruction (src/zoo, from ../shared/architectures.md). Every published row gets
 * one stand-in, and the kind says how faithful it is:
 *   exact-file       the benchmarked file itself (sha256 = zoo LFS oid, or the file the legacy row links)
 *   same-arch-file   a file of the same architecture and resolution from another zoo release/fork (e.g. the
 *                    2.x TFLite for a 4.x row whose file is not obtainable); latency-comparable
 *   zoo-builder      reconstruction by H5's builder (same layers, shapes, weight sizes)
 *   none             nothing usable: the row is kept as published data but not used for fitting
 * `memoryComparable` is false when the stand-in's head differs (other dataset, so other class count) or the
 * format differs in a way that changes ST's memory figures; such rows calibrate latency only.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNetworks } from '../../zoo/catalog.ts';

/** The project's data folder. */
const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../data');

export type StandInKind = 'exact-file' | 'same-arch-file' | 'zoo-builder' | 'none';

export interface ZooSpec {
  /** Network id in src/zoo/catalog.ts. */
  net: 'st_efficientnet_lc_v1' | 'mobilenet_v1' | 'mobilenet_v2' | 'fdmobilenet' | 'st_fdmobilenet_v1' | 'resnet_v1' | 'squeezenet_v1_1' | 'st_mnist_v1';
  alpha?: number;
  depth?: number;
  resolution: [number, number];
  channels: number;
  classes: number;
  /**
   * Graph I/O of the build (src/zoo `ZooIo`); absent = float (ST's QDQ ONNX). 'uint8' for rows measured on an
   * int8 TFLite file: uint8 input → QUANTIZE to int8 … DEQUANTIZE → float output, as every ST image-classification
   * TFLite file we hold (both legacy forks and the 4.1 files whose sha256 is the zoo's LFS oid).
   */
  io?: 'uint8';
}

export interface StandIn {
  kind: StandInKind;
  /** Architecture group for leave-one-model-out: every row of a group is held out together. */
  arch: string;
  /** Path under ../shared/models for files; `zoo:<spec>` for reconstructions. */
  ref: string;
  zoo?: ZooSpec;
  /** A held file of the same architecture (other head) to fall back on for latency when `ref` has no features. */
  fallbackRef?: string;
  memoryComparable: boolean;
  note: string;
}

export interface PublishedRowKey {
  model: string;
  file: string; // published model_file (or model_file_inferred), basename
  resolution: string; // 224x224x3
  dataset: string;
  format: string;
  origin: 'zoo-4' | 'legacy-bvenreply' | 'legacy-elhadidy';
  table: 'mcu' | 'npu' | 'mpu';
}

const ME = 'legacy_tflite/MohamedElhadidy0019';
const BV = 'legacy_tflite/bvenreply';

function res(r: string): [number, number, number] {
  const m = /(\d+)x(\d+)x(\d+)/.exec(r);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/**
 * Classifier width by data set; 0 = no classifier: ST's re-identification models (DeepSportradar) end at the pooled
 * features (re_identification/mobilenetv2_a100_256_128_fft_int8.tflite: MEAN → [1, 1280], no FULLY_CONNECTED).
 */
const CLASSES: Record<string, number> = { tf_flowers: 5, flowers: 5, food101: 101, imagenet: 1000, cifar10: 10, cifar100: 100, emnist_byclass: 62, person: 2, deepsportradar: 0 };
function classesOf(dataset: string): number | undefined {
  return CLASSES[dataset.trim().toLowerCase()];
}

const none = (arch: string, note: string): StandIn => ({ kind: 'none', arch, ref: '', memoryComparable: false, note });

/** Files we hold, by the architecture and resolution they implement (flowers heads unless noted). */
interface HeldFile {
  arch: string;
  h: number;
  w: number;
  c: number;
  path: string;
  dataset: string;
}
const HELD: HeldFile[] = [
  { arch: 'st_efficientnet_lc_v1', h: 128, w: 128, c: 3, path: `${ME}/image_classification/efficientnet/st_efficientnet_lc_v1_128_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'st_efficientnet_lc_v1', h: 224, w: 224, c: 3, path: `${ME}/image_classification/efficientnet/st_efficientnet_lc_v1_224_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'fdmobilenet_0.25', h: 128, w: 128, c: 3, path: `${ME}/image_classification/fdmobilenet/fdmobilenet_0.25_128_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'fdmobilenet_0.25', h: 224, w: 224, c: 3, path: `${ME}/image_classification/fdmobilenet/fdmobilenet_0.25_224_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'st_fdmobilenet_v1', h: 128, w: 128, c: 3, path: `${ME}/image_classification/fdmobilenet/st_fdmobilenet_v1_128_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'st_fdmobilenet_v1', h: 224, w: 224, c: 3, path: `${ME}/image_classification/fdmobilenet/st_fdmobilenet_v1_224_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'mobilenet_v1_0.25', h: 224, w: 224, c: 3, path: `${ME}/image_classification/mobilenetv1/mobilenet_v1_0.25_224_fft_int8.tflite`, dataset: 'flowers' },
  { arch: 'mobilenet_v1_0.25', h: 96, w: 96, c: 3, path: `${ME}/image_classification/mobilenetv1/mobilenet_v1_0.25_96_fft_int8.tflite`, dataset: 'flowers' },
  { arch: 'mobilenet_v1_0.25', h: 96, w: 96, c: 1, path: `${ME}/image_classification/mobilenetv1/mobilenet_v1_0.25_96_grayscale_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'mobilenet_v1_0.5', h: 224, w: 224, c: 3, path: `${ME}/image_classification/mobilenetv1/mobilenet_v1_0.5_224_fft_int8.tflite`, dataset: 'flowers' },
  { arch: 'mobilenet_v2_0.35', h: 128, w: 128, c: 3, path: `${ME}/image_classification/mobilenetv2/mobilenet_v2_0.35_128_fft_int8.tflite`, dataset: 'flowers' },
  { arch: 'mobilenet_v2_0.35', h: 224, w: 224, c: 3, path: `${ME}/image_classification/mobilenetv2/mobilenet_v2_0.35_224_fft_int8.tflite`, dataset: 'flowers' },
  { arch: 'resnet_v1_8', h: 32, w: 32, c: 3, path: `${ME}/image_classification/resnetv1/resnet_v1_8_32_tfs_int8.tflite`, dataset: 'cifar10' },
  { arch: 'resnet_v1_32', h: 32, w: 32, c: 3, path: `${ME}/image_classification/resnetv1/resnet_v1_32_32_tfs_int8.tflite`, dataset: 'cifar100' },
  { arch: 'squeezenet_v1.1', h: 128, w: 128, c: 3, path: `${ME}/image_classification/squeezenetv1.1/squeezenetv1.1_128_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'squeezenet_v1.1', h: 224, w: 224, c: 3, path: `${ME}/image_classification/squeezenetv1.1/squeezenetv1.1_224_tfs_int8.tflite`, dataset: 'flowers' },
  { arch: 'st_mnist_v1', h: 28, w: 28, c: 1, path: `${ME}/image_classification/st_mnist/st_mnist_v1_28_tfs_int8.tflite`, dataset: 'emnist_byclass' },
  { arch: 'st_yolo_lc_v1', h: 192, w: 192, c: 3, path: `${ME}/object_detection/st_yolo_lc_v1/st_yolo_lc_v1_192_int8.tflite`, dataset: 'coco-person' },
  { arch: 'st_yolo_lc_v1', h: 224, w: 224, c: 3, path: `${ME}/object_detection/st_yolo_lc_v1/st_yolo_lc_v1_224_int8.tflite`, dataset: 'coco-person' },
  { arch: 'st_yolo_lc_v1', h: 256, w: 256, c: 3, path: `${ME}/object_detection/st_yolo_lc_v1/st_yolo_lc_v1_256_int8.tflite`, dataset: 'coco-person' },
  { arch: 'ssd_mobilenet_v1_0.25', h: 192, w: 192, c: 3, path: `${ME}/object_detection/st_ssd_mobilenet_v1/st_ssd_mobilenet_v1_025_192_int8.tflite`, dataset: 'coco-person' },
  { arch: 'ssd_mobilenet_v1_0.25', h: 224, w: 224, c: 3, path: `${ME}/object_detection/st_ssd_mobilenet_v1/st_ssd_mobilenet_v1_025_224_int8.tflite`, dataset: 'coco-person' },
  { arch: 'ssd_mobilenet_v1_0.25', h: 256, w: 256, c: 3, path: `${ME}/object_detection/st_ssd_mobilenet_v1/st_ssd_mobilenet_v1_025_256_int8.tflite`, dataset: 'coco-person' },
  { arch: 'ssd_mobilenet_v2_fpnlite_0.35', h: 192, w: 192, c: 3, path: `${ME}/object_detection/ssd_mobilenet_v2_fpnlite/ssd_mobilenet_v2_fpnlite_035_192_int8.tflite`, dataset: 'coco-person' },
];

/** Exact files by published basename (zoo 4.x names and legacy names). */
const EXACT: Record<string, { arch: string; path: string }> = {
  'resnet8_32_tfs_int8.tflite': { arch: 'resnet_v1_8', path: `${ME}/image_classification/resnetv1/resnet_v1_8_32_tfs_int8.tflite` },
  'resnet32_32_tfs_int8.tflite': { arch: 'resnet_v1_32', path: `${ME}/image_classification/resnetv1/resnet_v1_32_32_tfs_int8.tflite` },
  'st_mnistv1_28_tfs_int8.tflite': { arch: 'st_mnist_v1', path: `${ME}/image_classification/st_mnist/st_mnist_v1_28_tfs_int8.tflite` },
  'yolov8n_256_quant_pc_uf_od_coco-person.tflite': { arch: 'yolov8n', path: 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite' },
  'yolov8n_192_quant_pc_uf_od_coco-person.tflite': { arch: 'yolov8n', path: 'object_detection/yolov8n_192_quant_pc_uf_od_coco-person.tflite' },
  'yolo11n_256_quant_pc_uf_od_coco-person-st.tflite': { arch: 'yolo11n', path: 'object_detection/yolo11n_256_quant_pc_uf_od_coco-person-st.tflite' },
  'yolo26_256_qdq_int8_od_coco-person-st.onnx': { arch: 'yolo26n', path: 'object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx' },
  'yolov8n_256_quant_pc_uf_pose_coco-st.tflite': { arch: 'yolov8n', path: 'pose_estimation/yolov8n_256_quant_pc_uf_pose_coco-st.tflite' },
  'yolov8n_256_quant_pc_ii_seg_coco-st.tflite': { arch: 'yolov8n', path: 'instance_segmentation/yolov8n_256_quant_pc_ii_seg_coco-st.tflite' },
  'yamnet_e256_64x96_tl_int8.tflite': { arch: 'yamnet_256', path: 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite' },
  'mobilenetv2_a100_256_128_fft_int8.tflite': { arch: 'mobilenet_v2_1.0', path: 're_identification/mobilenetv2_a100_256_128_fft_int8.tflite' },
};

/** Legacy (bvenreply, STM32Cube.AI 7.3) files are the exact files of their own rows. */
const BV_FILES: Record<string, { arch: string; path: string }> = {
  'fdmobilenet_0.25_224_int8.tflite': { arch: 'fdmobilenet_0.25', path: `${BV}/image_classification/fdmobilenet/fdmobilenet_0.25_224_int8.tflite` },
  'fdmobilenet_0.25_128_int8.tflite': { arch: 'fdmobilenet_0.25', path: `${BV}/image_classification/fdmobilenet/fdmobilenet_0.25_128_int8.tflite` },
  'mobilenet_v1_0.25_224_int8.tflite': { arch: 'mobilenet_v1_0.25', path: `${BV}/image_classification/mobilenetv1/mobilenet_v1_0.25_224_int8.tflite` },
  'mobilenet_v1_0.5_224_int8.tflite': { arch: 'mobilenet_v1_0.5', path: `${BV}/image_classification/mobilenetv1/mobilenet_v1_0.5_224_int8.tflite` },
  'mobilenet_v1_0.25_96_int8.tflite': { arch: 'mobilenet_v1_0.25', path: `${BV}/image_classification/mobilenetv1/mobilenet_v1_0.25_96_int8.tflite` },
  'mobilenet_v1_0.25_96_grayscale_int8.tflite': { arch: 'mobilenet_v1_0.25', path: `${BV}/image_classification/mobilenetv1/mobilenet_v1_0.25_96_grayscale_int8.tflite` },
  'mobilenet_v2_0.35_128_int8.tflite': { arch: 'mobilenet_v2_0.35', path: `${BV}/image_classification/mobilenetv2/mobilenet_v2_0.35_128_int8.tflite` },
  'mobilenet_v2_0.35_224_int8.tflite': { arch: 'mobilenet_v2_0.35', path: `${BV}/image_classification/mobilenetv2/mobilenet_v2_0.35_224_int8.tflite` },
  'resnet_v1_8_32_int8.tflite': { arch: 'resnet_v1_8', path: `${BV}/image_classification/resnetv1/resnet_v1_8_32_int8.tflite` },
  'resnet_v1_32_32_int8.tflite': { arch: 'resnet_v1_32', path: `${BV}/image_classification/resnetv1/resnet_v1_32_32_int8.tflite` },
  'squeezenet_v1.1_128_int8.tflite': { arch: 'squeezenet_v1.1', path: `${BV}/image_classification/squeezenetv1.1/squeezenet_v1.1_128_int8.tflite` },
  'squeezenet_v1.1_224_int8.tflite': { arch: 'squeezenet_v1.1', path: `${BV}/image_classification/squeezenetv1.1/squeezenet_v1.1_224_int8.tflite` },
  'stmnist_v1_int8.tflite': { arch: 'st_mnist_v1', path: `${BV}/image_classification/stmnist/stmnist_v1_int8.tflite` },
  'ssd_mobilenet_v1_025_192_int8.tflite': { arch: 'ssd_mobilenet_v1_0.25', path: `${BV}/object_detection/ssd_mobilenetv1/ssd_mobilenet_v1_025_192_int8.tflite` },
  'ssd_mobilenet_v1_025_256_int8.tflite': { arch: 'ssd_mobilenet_v1_0.25', path: `${BV}/object_detection/ssd_mobilenetv1/ssd_mobilenet_v1_025_256_int8.tflite` },
};

/** Architecture of a published row, from its model name (tables of every release spell these differently). */
export function archOf(model: string, file: string): string | undefined {
  const m = model.toLowerCase();
  const f = file.toLowerCase();
  if (m.includes('efficientnet lc v1')) return 'st_efficientnet_lc_v1';
  if (m.startsWith('st fdmobilenet v1')) return 'st_fdmobilenet_v1';
  if (m.startsWith('fdmobilenet 0.25')) return 'fdmobilenet_0.25';
  const v1 = /^mobilenet v1 (0\.25|0\.5|1\.0)/.exec(m);
  if (v1) return `mobilenet_v1_${v1[1]}`;
  const v2 = /^mobilenet v2 (0\.35|1\.0|1\.4)/.exec(m);
  if (v2) return `mobilenet_v2_${v2[1]}`;
  if (/^resnet v1 8\b/.test(m)) return 'resnet_v1_8';
  if (/^resnet v1 32\b/.test(m)) return 'resnet_v1_32';
  if (m.startsWith('squeezenet v1.1')) return 'squeezenet_v1.1';
  if (m.startsWith('st mnist')) return 'st_mnist_v1';
  if (m.includes('ssd mobilenet v1 0.25')) return 'ssd_mobilenet_v1_0.25';
  if (m.includes('ssd mobilenet v2 0.35 fpn-lite')) return 'ssd_mobilenet_v2_fpnlite_0.35';
  if (m.replace(/[\s_]/g, '').includes('yololcv1')) return 'st_yolo_lc_v1';
  if (/^yolov8n\b|yolov8n[ -]/i.test(m) || f.startsWith('yolov8n_')) return 'yolov8n';
  if (/yolo11n|yolov11n/.test(m)) return 'yolo11n';
  if (m.startsWith('yolo26n')) return 'yolo26n';
  if (m.startsWith('yamnet 256')) return 'yamnet_256';
  return undefined;
}

interface ZooFileIdentity {
  zooPath: string;
  standInRef: string;
  sameFile: boolean;
}

let zooFileIdentities: ZooFileIdentity[] | undefined;
/**
 * Whether a held file is byte for byte the one ST's zoo 4.x benchmarked for a data set: its sha256 equals the
 * zoo's Git LFS oid of that file (data/published/zoo-4x-file-identity.json, with the zoo commit it was read at).
 * `file` is the row's published file name (lower case, '' when the table names none): when given it must be that
 * file, so another format of the same network in the same folder (a QDQ ONNX beside the TFLite) is not taken for it.
 */
function isZooBenchmarkedFile(path: string, dataset: string, file: string): boolean {
  zooFileIdentities ??= (JSON.parse(readFileSync(join(DATA_DIR, 'published', 'zoo-4x-file-identity.json'), 'utf8')) as { records: ZooFileIdentity[] }).records;
  const folder = `/${dataset.toLowerCase()}/`;
  return zooFileIdentities.some((r) => {
    const zooPath = r.zooPath.toLowerCase();
    return r.sameFile && r.standInRef === path && zooPath.includes(folder) && (file === '' || zooPath.endsWith(`/${file}`));
  });
}

export function standInFor(row: PublishedRowKey): StandIn {
  const arch = archOf(row.model, row.file);
  if (!arch) return none(row.model, 'architecture not reconstructed and file not held');
  const [h, w, c] = res(row.resolution);
  const file = row.file.toLowerCase();
  const quantW4 = /int4|w4/i.test(row.format) || /_w4_/.test(file);

  if (row.origin === 'legacy-bvenreply' && BV_FILES[file]) {
    const e = BV_FILES[file]!;
    return { kind: 'exact-file', arch, ref: e.path, memoryComparable: true, note: 'the file this legacy row links (bvenreply fork)' };
  }
  if (EXACT[file]) {
    const e = EXACT[file]!;
    return { kind: 'exact-file', arch: e.arch, ref: e.path, memoryComparable: true, note: 'the benchmarked file (sha256 = zoo LFS oid / linked file)' };
  }
  if (quantW4) {
    return zooOrNone(arch, h, w, c, row, 'mixed int4/int8 ONNX: builder reconstruction needed', true);
  }
  const classes = classesOf(row.dataset);
  const held = HELD.find((f) => f.arch === arch && f.h === h && f.w === w && f.c === c);
  if (held) {
    const sameHead = classes === undefined || classesOf(held.dataset) === classes || held.dataset === row.dataset.toLowerCase();
    const isOwn = row.origin === 'legacy-elhadidy' && file !== '' && held.path.toLowerCase().endsWith(file);
    if (isOwn) return { kind: 'exact-file', arch, ref: held.path, memoryComparable: true, note: 'the file this legacy row links (MohamedElhadidy0019 fork)' };
    if (row.origin === 'zoo-4' && sameHead && isZooBenchmarkedFile(held.path, row.dataset, file)) {
      return { kind: 'exact-file', arch, ref: held.path, memoryComparable: row.table !== 'npu', note: "the benchmarked file: its sha256 is the zoo's LFS oid (data/published/zoo-4x-file-identity.json)" };
    }
    // A reconstruction with the right head beats a file with another head for memory, not for latency realism.
    if (!sameHead) {
      const zoo = zooSpec(arch, h, w, c, classes, zooIoFor(row));
      if (zoo) return { kind: 'zoo-builder', arch, ref: zooRef(zoo), zoo, fallbackRef: held.path, memoryComparable: zooMemoryComparable(row), note: `zoo-builder reconstruction (${classes} classes); published file not obtainable${zooMemoryNote(row)}` };
    }
    return {
      kind: 'same-arch-file',
      arch,
      ref: held.path,
      memoryComparable: sameHead && row.table !== 'npu',
      note: sameHead
        ? 'same architecture and resolution, file from the legacy fork (the benchmarked file is not obtainable)'
        : `same architecture, other head (${held.dataset} file for a ${row.dataset} row): latency only`,
    };
  }
  return zooOrNone(arch, h, w, c, row, 'no file of this architecture/resolution held', false);
}

function zooOrNone(arch: string, h: number, w: number, c: number, row: PublishedRowKey, why: string, w4: boolean): StandIn {
  const zoo = w4 ? undefined : zooSpec(arch, h, w, c, classesOf(row.dataset), zooIoFor(row));
  if (!zoo) return none(arch, why);
  const head = zoo.classes === 0 ? "; no classifier: the pooled features are the output, as in ST's re-identification file (whose output stays int8)" : '';
  return { kind: 'zoo-builder', arch, ref: zooRef(zoo), zoo, memoryComparable: zooMemoryComparable(row), note: `zoo-builder reconstruction from architectures.md; published file not obtainable${zooMemoryNote(row)}${head}` };
}

/**
 * A row measured on an int8 TFLite file gets the build with that file's I/O ('uint8': uint8 input and its QUANTIZE
 * to int8, float output through DEQUANTIZE); a QDQ ONNX row the float build, as ST's QDQ files. With ST's
 * "allocate inputs/outputs" the input buffer sits in the activation pool, so the float build of a TFLite row carried
 * a pool up to 4× too large (MobileNet v1 0.25 224 peaked at its 602,112 B float input; the uint8 build plans
 * 206,096 B, the same as the legacy fork's TFLite file of that architecture).
 */
/**
 * The input type of an ST benchmark file by its name: ST's int8 TFLite files take uint8 (uint8 → QUANTIZE … DEQUANTIZE
 * → float), its QDQ ONNX files float32. A name the importer inferred is stored as `<name> (inferred)`
 * (import-published.ts): the suffix is dropped.
 */
export function benchmarkedInputDtype(file: string): 'uint8' | 'float32' | undefined {
  const name = file.toLowerCase().replace(/\s*\(inferred\)$/, '');
  if (name.endsWith('.tflite')) return 'uint8';
  if (name.endsWith('.onnx')) return 'float32';
  return undefined;
}

/** The zoo builder's I/O for a row: the uint8 build for a row measured on an int8 TFLite file, else float. */
function zooIoFor(row: PublishedRowKey): 'uint8' | undefined {
  return benchmarkedInputDtype(row.file) === 'uint8' ? 'uint8' : undefined;
}

function zooMemoryComparable(row: PublishedRowKey): boolean {
  return row.table !== 'npu';
}

function zooMemoryNote(row: PublishedRowKey): string {
  return zooIoFor(row) === 'uint8' ? "; built with the TFLite file's I/O (uint8 input → int8, float output)" : '';
}

export function zooRef(z: ZooSpec): string {
  return `zoo:${z.net}${z.alpha !== undefined ? `_a${z.alpha}` : ''}${z.depth !== undefined ? `_d${z.depth}` : ''}_${z.resolution[0]}x${z.resolution[1]}x${z.channels}_c${z.classes}${z.io ? `_io${z.io}` : ''}`;
}

function zooSpec(arch: string, h: number, w: number, c: number, classes: number | undefined, io?: 'uint8'): ZooSpec | undefined {
  if (classes === undefined || !h || !w) return undefined;
  const base = { resolution: [h, w] as [number, number], channels: c, classes, ...(io ? { io } : {}) };
  const spec = zooNet(arch, base);
  // the builder takes H×W and classes 0 only where the network does (src/zoo/catalog.ts, architectures.md §11)
  const info = spec && listNetworks().find((n) => n.id === spec.net);
  if (!spec || !info || (h !== w && !info.nonSquare) || (classes === 0 && !info.embeddingHead)) return undefined;
  return spec;
}

function zooNet(arch: string, base: Omit<ZooSpec, 'net'>): ZooSpec | undefined {
  const v1 = /^mobilenet_v1_(.+)$/.exec(arch);
  if (v1) return { net: 'mobilenet_v1', alpha: Number(v1[1]), ...base };
  const v2 = /^mobilenet_v2_(.+)$/.exec(arch);
  if (v2) return { net: 'mobilenet_v2', alpha: Number(v2[1]), ...base };
  if (arch === 'st_efficientnet_lc_v1') return { net: 'st_efficientnet_lc_v1', ...base };
  if (arch === 'fdmobilenet_0.25') return { net: 'fdmobilenet', alpha: 0.25, ...base };
  if (arch === 'st_fdmobilenet_v1') return { net: 'st_fdmobilenet_v1', ...base };
  if (arch === 'squeezenet_v1.1') return { net: 'squeezenet_v1_1', ...base };
  return undefined;
}

/**
 * Stand-ins whose timing ST's own tables contradict on one engine. Such a row stays in the data, but its
 * latency is neither fitted nor part of the headline error; `edgefit calibrate` reports the leave-one-out
 * error on these rows separately. Each entry cites the published figures that contradict the stand-in.
 */
export interface TimingContradiction {
  arch: string;
  table: 'mcu' | 'npu' | 'mpu';
  engine: string;
  /** Tool versions the contradiction applies to (prefix of tool_version). */
  toolPrefix: string;
  evidence: string;
}

export const TIMING_CONTRADICTIONS: TimingContradiction[] = [
  {
    arch: 'st_yolo_lc_v1',
    table: 'mpu',
    engine: 'a7',
    toolPrefix: 'x-linux-ai-6',
    evidence:
      'two different files carry this name: the one we hold (zoo 2.x) is timed 32.5 / 58.2 ms (192 / 256 px) on the STM32MP157F-DK2 under X-LINUX-AI 5.0, ' +
      "the 2023 file 50.9 / 69.7 / 88.1 ms (192 / 224 / 256 px) on the same board; ST's 4.x file (not obtainable) is timed 51.42 / 72.44 / 88.55 ms under 6.1, " +
      'i.e. like the 2023 file on the pre-XNNPACK kernels, while our file has no dynamic-shape operator and would run on XNNPACK: the stand-in does not time like the benchmarked file on the A7',
  },
];

export function timingContradiction(arch: string, table: string, engine: string, toolVersion: string): TimingContradiction | undefined {
  return TIMING_CONTRADICTIONS.find((c) => c.arch === arch && c.table === table && c.engine === engine && toolVersion.startsWith(c.toolPrefix));
}
