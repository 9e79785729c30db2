/**
 * What a report is made of. `renderReport` turns one `ReportInput` into one self-contained HTML page.
 * The shapes mirror the JSON that `edgefit analyze --json` (Analysis + memory, issue 6) and
 * `edgefit check --json` (targets, issue 7) print, so a report can be rendered from saved JSON too.
 * Every section is optional except the analysis; an absent section is shown as absent, never invented.
 */
import type { Analysis } from '../analyzer/layer.ts';

/** One buffer of a memory plan: where it sits in the arena and when it is live (schedule steps, inclusive). */
export interface ReportBuffer {
  name: string;
  sizeBytes: number;
  offsetBytes: number;
  firstStep: number;
  lastStep: number;
  /** 'activation', 'scratch', 'input', 'output' … as the planner labels it. */
  kind?: string;
}

/** One planner's result (issue 6 JSON: `memory.planners.<name>`). */
export interface ReportMemoryPlan {
  peakBytes: number;
  /** Layer index (or name) at the peak. */
  peakLayer?: number | string;
  buffers: ReportBuffer[];
  inputBytes?: number;
  outputBytes?: number;
  /** Layer indices in the order this plan executes them (the best plan may re-order); default: model order. */
  schedule?: number[];
  /** Free text: strategy, heuristic used, exactness. */
  note?: string;
}

/** Activation memory (issue 6 JSON: `memory`). Planners by name: 'st', 'greedy', 'best', … */
export interface ReportMemory {
  planners: Record<string, ReportMemoryPlan>;
  lowerBoundBytes: number;
}

/** A memory demand set against a target's capacity (issue 7 JSON `ram` / `flash`). */
export interface ReportMemoryFit {
  internalBytes: number;
  externalBytes: number;
  /** Every memory this role may use on the target (internal + external). */
  capacityBytes: number;
  marginBytes: number;
  /** Internal memory only: what fits without external memory (absent: not given). */
  internalCapacityBytes?: number;
  /**
   * Expected error of the total (%). With `components`, derived from the parts' own errors (memory-parts.ts
   * combinedError) and null when a part has none; without, as given (a hand-made or older input).
   */
  errorPct?: number | null;
  /**
   * The memory that binds (check --json `tightest`): of the memories holding this role, the one with the least room
   * relative to its size. Absent in an older input; the page then gives the role's margin alone.
   */
  tightest?: { name: string; usedBytes: number; capacityBytes: number; marginBytes: number };
  /** Parts of the demand, e.g. { activations: …, runtime: … } or { weights: …, code: … }. */
  parts?: Record<string, number>;
  /** The same parts, each with the expected error of its own quantity on this target (what the page shows when given). */
  components?: ReportMemoryPart[];
}

/**
 * One part of a target's RAM or flash demand with the expected error of that quantity on that target: the
 * leave-one-model-out MAPE of the calibration table (`calibrate`, data/calibration-error.json).
 */
export interface ReportMemoryPart {
  name: 'activations' | 'runtime' | 'weights' | 'code';
  /** Predicted bytes; null when the target's model does not estimate this part (it is then not in the total). */
  bytes: number | null;
  /** LOO MAPE (%) of this quantity on this target; null without calibration. */
  errorPct: number | null;
  /** The calibration table's status: 'ok', 'thin' (fewer models than a fit needs) or 'none'. */
  calibration: 'ok' | 'thin' | 'none';
  /** Why the calibration is thin, as the table says it. */
  calibrationNote?: string;
  /** Set when the figure is a lower bound: the reason. */
  lowerBound?: string;
}

/** One target's verdict (issue 7 JSON: `targets[]` of `check --json`). */
export interface ReportTargetResult {
  id: string;
  /** Board or series name as ST prints it. */
  name?: string;
  /** Engine the prediction is for (e.g. 'Cortex-M7 400 MHz', 'Neural-ART NPU'). */
  engine?: string;
  fits: boolean;
  ram: ReportMemoryFit;
  flash: ReportMemoryFit;
  latencyMs: number | null;
  /** Leave-one-model-out error of the latency model (MAPE, %); null when the data is too thin to say. */
  latencyErrorPct: number | null;
  limitingMemory: string | null;
  /** Predicted time per layer, by layer index, when the latency model provides it. */
  layerLatencyMs?: number[];
  /** Caveats the target model attached (thin data, extrapolation, …). */
  notes?: string[];
}

/** The model re-analysed at one input resolution (`compare --resolutions`). */
export interface ResolutionPoint {
  resolution: number;
  macs: number;
  weightBytes: number;
  activationPeakBytes?: number;
  targets: ReportTargetResult[];
}

/** Where a published figure comes from: the zoo release and the README table (path@commit). */
export interface FigureSource {
  zooRelease: string;
  table: string;
}

/** A figure ST publishes, shown beside our prediction for the same model, board and resolution. */
export interface PublishedFigure {
  targetId: string;
  board: string;
  /** Side of a square input (the row's H = W); absent for a non-square row. */
  resolution?: number;
  /** The row's input size as published (H × W × C; C absent when the table gives none). */
  inputSize?: { h: number; w: number; c?: number };
  metric: 'latencyMs' | 'activationRamBytes' | 'weightsFlashBytes' | 'internalRamBytes' | 'externalRamBytes' | 'totalRamBytes' | 'totalFlashBytes';
  publishedValue: number;
  predictedValue?: number | null;
  /** Expected error of the prediction (leave-one-model-out MAPE, %). */
  predictedErrorPct?: number | null;
  /** What the published row describes (model name, format, tool version), as published. */
  row: string;
  /** The row's id in data/published (the calibration records of `calibrate --json` carry it). */
  rowId?: string;
  source: FigureSource;
  /**
   * MPU Cortex-A7 times: the TFLite kernels ST's benchmarked file ran on ('builtin' when the file has a run-time
   * SHAPE op, which makes TFLite drop XNNPACK; latency/runtime-path.ts), read from its stand-in's features.
   */
  publishedCpuPath?: 'xnnpack' | 'builtin';
  /**
   * Activation RAM rows: the input type of the file ST measured, from the row's file name (ST's int8 TFLite files
   * take uint8, its QDQ ONNX files float32: the stand-in convention of calibration/model-sources.ts). The graph
   * input sits in the activation pool, so a model with another input type is not like for like.
   */
  publishedInputDtype?: 'uint8' | 'float32';
  /**
   * N6 weights rows ST publishes in the form of its application blobs (3×3 depthwise kernels stored ×8, no biases;
   * data/published/npu-weight-forms.json, which calibrate scores on that form): compared with that form of ours.
   */
  publishedWeightsForm?: 'application-blob';
  /** The file ST measured, when the data names it as the benchmarked file itself (stand_in 'exact-file'): a model of that file name is that file. */
  benchmarkedFile?: string;
  /** False when the prediction is not like for like (another runtime path than ST's file); said in `comparabilityNote`. */
  comparable?: boolean;
  comparabilityNote?: string;
}

export interface ReportInput {
  /** Page title; default: the model path. */
  title?: string;
  /** Tool and version that produced the numbers. */
  generatedBy: string;
  /** ISO time stamp; omit for byte-identical reports. */
  generatedAt?: string;
  /** Where the model came from, e.g. "built by edgefit zoo: st_efficientnet_lc_v1, 224 px, 5 classes". */
  modelOrigin?: string;
  analysis: Analysis;
  memory?: ReportMemory;
  targets?: ReportTargetResult[];
  sweep?: ResolutionPoint[];
  /** Sweep sizes the file's shapes do not follow (a Reshape target fixed for its own size): left out of `sweep`, with why. */
  sweepFailures?: { resolution: number; message: string }[];
  published?: PublishedFigure[];
  /** Sources behind the calibration (zoo releases and tables the latency/memory models were fitted on). */
  calibrationSources?: FigureSource[];
  notes?: string[];
}
