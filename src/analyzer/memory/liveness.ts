/**
 * Liveness of activation buffers over a schedule, computed once and shared by every planner.
 *
 * - One buffer per activation tensor; views (Reshape-kind layers) share their input's buffer.
 * - A buffer lives from the step that writes it (graph inputs: step 0) to the last step that reads it (graph
 *   outputs: the last step), both inclusive.
 * - A layer's scratch buffer lives during that layer's step only.
 * - An overlap rule is emitted for each layer whose input dies at that layer, when the op allows its output
 *   to share bytes with that input (overlap-rules.ts).
 * - With `allocateIo` false, graph inputs and outputs live outside the pool: they are reported separately and
 *   never overlap pool buffers.
 */
import type { ActivationTensor, Analysis, Layer } from '../layer.ts';
import {
  fusedPoolRowOverlap,
  layerOverlap,
  OVERLAP_KIND,
  overlapSavingBytes,
  padRowOverlap,
  POOL_OPS,
  splitPadding,
  stFusedPoolRowsBytes,
  stScratchFollowsInput,
  stSplitsPadding,
} from './overlap-rules.ts';
import type { OverlapBounds } from './overlap-rules.ts';
import { residentBytesPerStep } from './resident-bytes.ts';
import type { BufferKind, LiveBuffer } from './types.ts';
import { checkLiveBufferCount, peakLiveBuffers } from './live-buffer-cap.ts';

export interface BufferOverlap {
  /** Indices into `Liveness.buffers`. */
  output: number;
  input: number;
  forwardDeltaBytes?: number;
  backwardDeltaBytes?: number;
  step: number;
}

export interface Liveness {
  /** Layer index run at each step (a layer whose padding is split runs two steps: pad, kernel). */
  schedule: number[];
  /** Buffers inside the activation pool (I/O included when allocateIo). */
  buffers: LiveBuffer[];
  overlaps: BufferOverlap[];
  /** Bytes that must be resident at each step (live buffers, minus the best overlap saving of that step). */
  stepBytes: number[];
  /** Graph inputs / outputs bytes (inside the pool or not, see `ioInPool`). */
  inputBytes: number;
  outputBytes: number;
  ioInPool: boolean;
}

export interface LivenessOptions {
  allocateIo?: boolean;
  /** Scratch bytes a layer's kernel needs (0 when omitted). */
  scratchBytes?: (layer: Layer) => number;
  /** Model overlap rules (true by default). */
  overlaps?: boolean;
  /**
   * Run the padded convolutions ST splits (overlap-rules.ts `stSplitsPadding`) as a Pad step writing a padded
   * copy (`<layer>#pad`) followed by the unpadded kernel; the st plan uses this (default false).
   */
  splitPads?: boolean;
  /**
   * Fuse a convolution with the pooling layer that alone reads it, as ST does: the conv output becomes a rows
   * buffer living at the conv step and the pool's output is written at the conv step (default false). true: the
   * pairs of STM32Cube.AI 8.x (overlap-rules.ts `stFusedPoolRowsBytes`; the st plan); 'lite': the pairs of the
   * STEdgeAI 3.x/4.x lite generator (`liteFusedConvPools`; st4x-plan.ts).
   */
  fuseConvPool?: FuseConvPoolRule;
}

/** Which conv + pool pairs a liveness fuses: none, the 8.x generator's (true) or the lite generator's ('lite'). */
export type FuseConvPoolRule = boolean | 'lite';

/**
 * Max pools ST's STEdgeAI 3.x/4.x lite generator fuses into the convolution that produces their input: the pair
 * becomes one hybrid `conv2d_nl_pool` layer (`forward_conv2d[_deep_3x3]_sssa8_ch_nl_pool`,
 * data/st-generated/conv-kernel-calls-lite.json "fusedWithPool": 8 calls in 4 network.c files of 4.0.x; a 3.0.0
 * fire network, search corpus id 66545406586). Rule: a max pool with stride > 1 and no padding whose input is the
 * output of an int8-weight convolution (not ST's float kernel on a float32 input) read by nothing else. A max pool
 * after a concat stays `forward_lite_maxpool_is8os8_scalepos`, and so do average and global-average pools after a
 * conv (`forward_ap_integer_INT8` in the fire network and the 4.0.1 CIFAR VGG, search corpus id 54935594888), and
 * ST YOLO LC v1's 2×2/1 SAME max pool after a 1×1 conv (0 KiB of runtime RAM published).
 * The one definition the runtime objects (targets/runtime-lite.ts `fusedConvPools`), the latency's fused work
 * (targets/latency/layer-work.ts) and the lite pool (st4x-plan.ts) share. Returns the fused pool layer → its conv.
 * Counter-evidence: two 4.0.1 ONNX files (the CIFAR VGG above; a 64×64×3 gesture CNN, id 54861452240) run 2×2/2
 * max pools after 3×3 convs unfused; nothing in them tells why (docs/memory-4x.md "Conv + pool fusion").
 */
export function liteFusedConvPools(a: Analysis): Map<Layer, Layer> {
  const out = new Map<Layer, Layer>();
  const byName = new Map(a.tensors.map((t) => [t.name, t]));
  for (const p of a.layers) {
    if (p.op !== 'MaxPool' || !p.conv) continue;
    if (p.conv.pads.some((x) => x !== 0) || p.conv.strides.some((x) => x < 2)) continue;
    const t = byName.get(p.inputs[0] ?? '');
    if (!t || t.producer < 0 || t.consumers.length !== 1 || t.isGraphOutput) continue;
    const c = a.layers[t.producer]!;
    if (c.op !== 'Conv' && c.op !== 'DepthwiseConv') continue;
    // an int8-weight conv on a float32 input runs ST's float kernel (targets/runtime-lite.ts runsFloatConvOnInt8Weights)
    if (c.weightDtype === 'int8' && (c.inputDtypes[0] ?? c.dtype) !== 'float32' && c.outputs.length === 1) out.set(p, c);
  }
  return out;
}

/**
 * Bytes of the conv output rows a fused conv + max pool keeps (`<layer>_scratch1`): pool_kh rows of the conv output,
 * Wconv·pool_kh·Cout (the 3.0.0 fire network's `conv2d_0_scratch1`: 28·2·32 = 1,792 B; overlap-rules.ts
 * `stFusedPoolRowsBytes` lists the 8.x and 4.0.1 figures), taken from the tensor so a float-typed QDQ conv output
 * keeps its int8 size.
 */
function liteFusedPoolRowsBytes(conv: Layer, pool: Layer, tensorBytes: number): number | undefined {
  const s = conv.outputShapes[0];
  if (!s || s.length !== 4 || !pool.conv) return undefined;
  const h = conv.layout === 'NHWC' ? s[1]! : s[2]!;
  if (!(h > 0)) return undefined;
  return (tensorBytes / h) * Math.min(pool.conv.kernel[0], h);
}

export interface FusedConvPoolPairs {
  /** conv output tensor → bytes of the rows the fused kernel keeps */
  fusedRowsBytes: Map<string, number>;
  /** conv layer index → pool layer index */
  fusedPoolOf: Map<number, number>;
}

/**
 * The conv + pool pairs ST fuses on this schedule (`LivenessOptions.fuseConvPool`: the 8.x rule by default, the lite
 * generator's with 'lite'); empty maps when none.
 */
export function fusedConvPoolPairs(analysis: Analysis, schedule: readonly number[], rule: FuseConvPoolRule = true): FusedConvPoolPairs {
  const layers = analysis.layers;
  const posOf = new Array<number>(layers.length).fill(-1);
  for (let pos = 0; pos < schedule.length; pos++) posOf[schedule[pos]!] = pos;
  const fusedRowsBytes = new Map<string, number>();
  const fusedPoolOf = new Map<number, number>();
  if (!rule || !hasConv(layers)) return { fusedRowsBytes, fusedPoolOf };
  const tensorByName = new Map<string, ActivationTensor>();
  for (let i = 0; i < analysis.tensors.length; i++) tensorByName.set(analysis.tensors[i]!.name, analysis.tensors[i]!);
  if (rule === 'lite') {
    for (const [pool, conv] of liteFusedConvPools(analysis)) {
      if (posOf[conv.index]! < 0 || posOf[pool.index]! < posOf[conv.index]!) continue;
      const t = tensorByName.get(conv.outputs[0]!)!;
      const rows = liteFusedPoolRowsBytes(conv, pool, t.bytes);
      if (rows === undefined) continue;
      fusedRowsBytes.set(t.name, rows);
      fusedPoolOf.set(conv.index, pool.index);
    }
    return { fusedRowsBytes, fusedPoolOf };
  }
  for (const l of layers) {
    if (l.op !== 'Conv' || l.outputs.length !== 1 || posOf[l.index]! < 0) continue;
    const t = tensorByName.get(l.outputs[0]!);
    if (!t || t.isGraphOutput || t.consumers.length !== 1) continue;
    const pool = layers[t.consumers[0]!]!;
    const rows = stFusedPoolRowsBytes(l, pool);
    if (rows === undefined || pool.inputs.length !== 1 || posOf[pool.index]! < posOf[l.index]!) continue;
    fusedRowsBytes.set(t.name, rows);
    fusedPoolOf.set(l.index, pool.index);
  }
  return { fusedRowsBytes, fusedPoolOf };
}

function hasConv(layers: readonly Layer[]): boolean {
  for (let i = 0; i < layers.length; i++) if (layers[i]!.op === 'Conv') return true;
  return false;
}

export function computeLiveness(analysis: Analysis, schedule: readonly number[], opts: LivenessOptions = {}): Liveness {
  return assembleLiveness(livenessSkeleton(analysis, schedule, opts), analysis, opts.scratchBytes);
}

/** An overlap rule of the skeleton; `PAD_BUFFER` as output/input stands for the position's padded copy. */
export interface SkeletonOverlap {
  output: number;
  input: number;
  rule: OverlapBounds;
}

/** What one schedule position adds after its scratch buffer: a padded copy (split padding) and overlap rules. */
export interface SkeletonPosition {
  pad?: LiveBuffer;
  overlaps: SkeletonOverlap[];
  /** Buffer the position's scratch is placed directly after (overlap-rules.ts `stScratchFollowsInput`). */
  scratchAfter?: number;
}

/** Stands for a position's padded copy in `SkeletonPosition.overlaps` (its index is known at assembly). */
export const PAD_BUFFER = -1;

/**
 * Everything of a liveness that does not depend on the kernel scratch sizes: steps, the activation buffers,
 * each position's padded copy and overlap rules, and each step's best overlap saving. One skeleton serves every
 * scratch engine (`assembleLiveness`), so the st plan of several engines walks the graph once.
 */
export interface LivenessSkeleton {
  /** The schedule it was built for (layer indices). */
  schedule: readonly number[];
  /** Layer index run at each step. */
  steps: number[];
  /** The step that writes each layer's output (−1 when not scheduled). */
  stepOf: number[];
  /** Buffers of activation tensors (scratch and padded copies come at assembly). */
  baseBuffers: LiveBuffer[];
  /** Per schedule position: padded copy and overlap rules, or undefined when it adds neither. */
  positions: (SkeletonPosition | undefined)[];
  /** Best overlap saving per step (bytes). */
  savingBytes: number[];
  /** Conv + pool pairs fused (fuseConvPool). */
  fusedPairCount: number;
  inputBytes: number;
  outputBytes: number;
  ioInPool: boolean;
}

/** Root buffer of a tensor: views share their input's buffer (`rootOf` maps a view output to its input). */
function rootName(rootOf: Map<string, string>, name: string): string {
  let r = name;
  for (let next = rootOf.get(r); next !== undefined; next = rootOf.get(r)) r = next;
  return r;
}

export function livenessSkeleton(analysis: Analysis, schedule: readonly number[], opts: Omit<LivenessOptions, 'scratchBytes'> = {}): LivenessSkeleton {
  const allocateIo = opts.allocateIo ?? true;
  const useOverlaps = opts.overlaps ?? true;
  const layers = analysis.layers;
  // Conv + pool pairs ST fuses: the pool runs (reads and writes) at the conv's step; the conv output shrinks
  // to the rows the fused kernel keeps. An 8.x fused conv keeps its padding inside the kernel (not split); a lite one
  // splits as any lite conv does (below).
  const { fusedRowsBytes, fusedPoolOf } = opts.fuseConvPool ? fusedConvPoolPairs(analysis, schedule, opts.fuseConvPool) : { fusedRowsBytes: new Map<string, number>(), fusedPoolOf: new Map<number, number>() };

  // Steps: one per scheduled layer, two (pad, kernel) for a layer whose padding ST splits off.
  const splitPads = !!opts.splitPads;
  const splits = new Uint8Array(schedule.length);
  const stepOf = new Array<number>(layers.length).fill(-1); // the step that writes the layer's output
  const readStepOf = new Array<number>(layers.length).fill(-1); // the step that reads its inputs
  const steps: number[] = [];
  for (let pos = 0; pos < schedule.length; pos++) {
    const l = schedule[pos]!;
    // The 8.x fused kernel takes its padding inside; the lite generator runs a fused deep 3×3 conv on a `_pad_before`
    // copy (search corpus id 66173224475, 4.0.0: `_feat_feat_4_Relu_output_0_pad_before` 114×114×16 read by
    // `forward_conv2d_deep_3x3_sssa8_ch_nl_pool`; conv-kernel-calls-lite.json fusedWithPool, three files).
    const split = splitPads && (!fusedPoolOf.has(l) || opts.fuseConvPool === 'lite') && stSplitsPadding(layers[l]!);
    splits[pos] = split ? 1 : 0;
    if (split) steps.push(l);
    readStepOf[l] = steps.length - (split ? 1 : 0);
    stepOf[l] = steps.length;
    steps.push(l);
  }
  const n = steps.length;
  for (const [conv, pool] of fusedPoolOf) {
    stepOf[pool] = stepOf[conv]!;
    readStepOf[pool] = stepOf[conv]!;
  }

  // Views share their input's buffer: union tensors into roots.
  const rootOf = new Map<string, string>();
  for (const l of layers) {
    if (OVERLAP_KIND[l.op] === 'view' && l.inputs.length >= 1 && l.outputs.length === 1 && l.inputs[0] !== l.outputs[0]) {
      rootOf.set(l.outputs[0]!, rootName(rootOf, l.inputs[0]!));
    }
  }

  // One accumulator per root buffer, in order of first appearance, as parallel arrays (no object per tensor;
  // an aliases array only for roots that views share).
  const accOf = new Map<string, number>();
  const accName: string[] = [];
  const accAliases: (string[] | undefined)[] = [];
  const accSize: number[] = [];
  const accFirst: number[] = [];
  const accLast: number[] = [];
  const accInput: boolean[] = [];
  const accOutput: boolean[] = [];
  const tensors = analysis.tensors;
  for (let ti = 0; ti < tensors.length; ti++) {
    const t = tensors[ti]!;
    const r = rootOf.size === 0 ? t.name : rootName(rootOf, t.name);
    let a = accOf.get(r);
    if (a === undefined) {
      a = accName.length;
      accOf.set(r, a);
      accName.push(r);
      accAliases.push(undefined);
      accSize.push(0);
      accFirst.push(Infinity);
      accLast.push(-Infinity);
      accInput.push(false);
      accOutput.push(false);
    }
    if (t.name === r) accSize[a] = fusedRowsBytes.get(t.name) ?? t.bytes;
    else (accAliases[a] ??= []).push(t.name);
    if (t.isGraphInput) accInput[a] = true;
    if (t.isGraphOutput) accOutput[a] = true;
    const written = t.producer < 0 ? 0 : stepOf[t.producer]!;
    if (written >= 0) accFirst[a] = Math.min(accFirst[a]!, written);
    const consumers = t.consumers;
    for (let c = 0; c < consumers.length; c++) {
      const read = readStepOf[consumers[c]!]!;
      if (read >= 0) accLast[a] = Math.max(accLast[a]!, read);
    }
    if (t.isGraphOutput) accLast[a] = Math.max(accLast[a]!, n - 1);
  }

  let inputBytes = 0;
  let outputBytes = 0;
  const buffers: LiveBuffer[] = [];
  const bufferOf = new Map<string, number>();
  const graphOutputBuffers = new Set<number>();
  for (let a = 0; a < accName.length; a++) {
    const sizeBytes = accSize[a]!;
    const isInput = accInput[a]!;
    const isOutput = accOutput[a]!;
    if (isInput) inputBytes += sizeBytes;
    if (isOutput && !isInput) outputBytes += sizeBytes;
    if (!allocateIo && (isInput || isOutput)) continue;
    const first = accFirst[a]!;
    if (sizeBytes <= 0 || !Number.isFinite(first)) continue;
    const kind: BufferKind = isInput ? 'input' : isOutput ? 'output' : 'activation';
    const name = accName[a]!;
    bufferOf.set(name, buffers.length);
    if (isOutput) graphOutputBuffers.add(buffers.length);
    buffers.push({ name, kind, sizeBytes, firstStep: first, lastStep: Math.max(first, accLast[a]!), aliases: accAliases[a] ?? [] });
  }
  const bufferOfTensor = (name: string): number | undefined => bufferOf.get(rootOf.size === 0 ? name : rootName(rootOf, name));

  const positions: (SkeletonPosition | undefined)[] = new Array(schedule.length).fill(undefined);
  const savingBytes = new Array<number>(n).fill(0);
  const saveAt = (step: number, inputBytesOf: number, outputBytesOf: number, rule: OverlapBounds) => {
    savingBytes[step] = Math.max(savingBytes[step]!, overlapSavingBytes(inputBytesOf, outputBytesOf, rule));
  };
  /**
   * The split padding of `layer` at step s (splits[pos]): the padded copy written at s − 1, which may overlap
   * the input it is made from row-wise (rule and saving recorded in `overlaps`); the conv then reads the copy.
   */
  const splitPadStep = (layer: Layer, s: number, overlaps: SkeletonOverlap[]): { pad: LiveBuffer; conv: Layer } => {
    const split = splitPadding(layer);
    const pad: LiveBuffer = { name: `${layer.name}#pad`, kind: 'activation', sizeBytes: split.paddedBytes, firstStep: s - 1, lastStep: s, aliases: [] };
    const inp = bufferOfTensor(layer.inputs[0]!);
    if (useOverlaps && inp !== undefined && buffers[inp]!.lastStep === s - 1 && !graphOutputBuffers.has(inp)) {
      const rule = padRowOverlap(split.pad, layer.conv!.pads[0]);
      if (rule) {
        overlaps.push({ output: PAD_BUFFER, input: inp, rule });
        saveAt(s - 1, buffers[inp]!.sizeBytes, pad.sizeBytes, rule);
      }
    }
    return { pad, conv: split.conv };
  };
  for (let pos = 0; pos < schedule.length; pos++) {
    const layerIndex = schedule[pos]!;
    let layer = layers[layerIndex]!;
    const s = stepOf[layerIndex]!;
    if (OVERLAP_KIND[layer.op] === 'view' || layer.outputs.length !== 1) continue;
    if (POOL_OPS.has(layer.op) && fusedRowsBytes.has(layer.inputs[0] ?? '')) continue; // runs inside the conv
    const fusedPool = fusedPoolOf.get(layerIndex);
    if (fusedPool !== undefined) {
      // The conv writes the pooled output directly; its input (or its padded copy, split padding) may overlap it
      // row-wise.
      const pool = layers[fusedPool]!;
      const pooledOut = bufferOfTensor(pool.outputs[0]!);
      const inp = bufferOfTensor(layer.inputs[0]!);
      let pad: LiveBuffer | undefined;
      const overlaps: SkeletonOverlap[] = [];
      if (splits[pos]) ({ pad, conv: layer } = splitPadStep(layer, s, overlaps));
      const kernelInput = pad ? PAD_BUFFER : inp;
      const kernelInputBuffer = pad ?? (inp === undefined ? undefined : buffers[inp]);
      if (useOverlaps && pooledOut !== undefined && kernelInput !== undefined && kernelInputBuffer && !graphOutputBuffers.has(kernelInput) && kernelInputBuffer.lastStep === s) {
        const rule = fusedPoolRowOverlap(layer, pool);
        if (rule) {
          overlaps.push({ output: pooledOut, input: kernelInput, rule });
          saveAt(s, kernelInputBuffer.sizeBytes, buffers[pooledOut]!.sizeBytes, rule);
        }
      }
      if (pad || overlaps.length > 0) positions[pos] = { pad, overlaps };
      continue;
    }
    const out = bufferOfTensor(layer.outputs[0]!);
    if (out === undefined) continue;
    let pad: LiveBuffer | undefined;
    const overlaps: SkeletonOverlap[] = [];
    // Pad step s − 1 reads the input and writes the padded copy; the kernel at s reads the copy.
    if (splits[pos]) ({ pad, conv: layer } = splitPadStep(layer, s, overlaps));
    if (useOverlaps) {
      const inputs = layer.inputs;
      for (let operand = 0; operand < inputs.length; operand++) {
        const inp = pad && operand === 0 ? PAD_BUFFER : bufferOfTensor(inputs[operand]!);
        if (inp === undefined || inp === out) continue;
        const ib = inp === PAD_BUFFER ? pad! : buffers[inp]!;
        if (ib.lastStep !== s || graphOutputBuffers.has(inp)) continue;
        const rule = layerOverlap(layer, operand);
        if (rule) {
          overlaps.push({ output: out, input: inp, rule });
          saveAt(s, ib.sizeBytes, buffers[out]!.sizeBytes, rule);
        }
      }
    }
    const follows = stScratchFollowsInput(layer) ? bufferOfTensor(layer.inputs[0]!) : undefined;
    const scratchAfter = follows !== undefined && buffers[follows]!.lastStep >= s ? follows : undefined;
    if (pad || overlaps.length > 0 || scratchAfter !== undefined) positions[pos] = { pad, overlaps, scratchAfter };
  }

  const skeleton: LivenessSkeleton = { schedule, steps, stepOf, baseBuffers: buffers, positions, savingBytes, fusedPairCount: fusedPoolOf.size, inputBytes, outputBytes, ioInPool: allocateIo };
  checkSkeletonLiveBuffers(skeleton, analysis);
  return skeleton;
}

/**
 * Refuses a skeleton with more buffers live at one step than the cap in force (live-buffer-cap.ts), naming the model
 * and the layer run there. livenessSkeleton checks the skeleton it builds; memory/index.ts checks again each time a
 * memoised skeleton, or a figure planned from one, is reused, so a lower cap in force later still refuses it.
 */
export function checkSkeletonLiveBuffers(skeleton: LivenessSkeleton, analysis: Analysis): void {
  checkLiveBufferCount(
    skeleton.baseBuffers,
    (step) => `${analysis.model.path}: at step ${step} (layer '${analysis.layers[skeleton.steps[step]!]?.name ?? '?'}')`,
    (buffers) => {
      let peak = SKELETON_PEAKS.get(skeleton);
      if (!peak) SKELETON_PEAKS.set(skeleton, (peak = peakLiveBuffers(buffers)));
      return peak;
    },
  );
}

/** The most buffers live at one step of each skeleton checked (a skeleton is not modified after livenessSkeleton). */
const SKELETON_PEAKS = new WeakMap<LivenessSkeleton, { count: number; step: number }>();

/**
 * The liveness of a skeleton with the given kernel scratch sizes: the activation buffers, then per schedule
 * position its scratch buffer (when > 0) and its padded copy, as `computeLiveness` lists them.
 */
export function assembleLiveness(skeleton: LivenessSkeleton, analysis: Analysis, scratchBytes?: (layer: Layer) => number): Liveness {
  const layers = analysis.layers;
  const { schedule, stepOf, positions } = skeleton;
  const buffers = skeleton.baseBuffers.slice();
  const overlaps: BufferOverlap[] = [];
  for (let pos = 0; pos < schedule.length; pos++) {
    const layerIndex = schedule[pos]!;
    const s = stepOf[layerIndex]!;
    if (scratchBytes) {
      const layer = layers[layerIndex]!;
      const scratch = scratchBytes(layer);
      if (scratch > 0) {
        const after = positions[pos]?.scratchAfter;
        const name = `${layer.name}#scratch`;
        buffers.push(
          after !== undefined
            ? { name, kind: 'scratch', sizeBytes: scratch, firstStep: s, lastStep: s, aliases: [], placeAfter: after }
            : { name, kind: 'scratch', sizeBytes: scratch, firstStep: s, lastStep: s, aliases: [] },
        );
      }
    }
    const p = positions[pos];
    if (p === undefined) continue;
    let padBuffer = PAD_BUFFER;
    if (p.pad) {
      padBuffer = buffers.length;
      buffers.push(p.pad);
    }
    for (const o of p.overlaps) {
      overlaps.push({
        output: o.output === PAD_BUFFER ? padBuffer : o.output,
        input: o.input === PAD_BUFFER ? padBuffer : o.input,
        ...o.rule,
        step: o.output === PAD_BUFFER ? s - 1 : s,
      });
    }
  }

  // Resident bytes per step, minus the step's best overlap saving.
  const n = skeleton.steps.length;
  const resident = residentBytesPerStep(buffers, n);
  const stepBytes = new Array<number>(n);
  for (let s = 0; s < n; s++) stepBytes[s] = resident[s]! - skeleton.savingBytes[s]!;

  return { schedule: skeleton.steps, buffers, overlaps, stepBytes, inputBytes: skeleton.inputBytes, outputBytes: skeleton.outputBytes, ioInPool: skeleton.ioInPool };
}

/** max over steps of resident bytes: no allocator running this schedule can use less. */
export function livenessLowerBoundBytes(liveness: Liveness): number {
  return liveness.stepBytes.reduce((m, b) => Math.max(m, b), 0);
}
