/**
 * An explicit constant PAD feeding a valid-padding convolution, folded into that convolution as TF 'SAME' padding:
 * the graph a TFLite converter writes for the same Keras model when it keeps `ZeroPadding2D` + `padding='valid'`
 * as one SAME-padded CONV_2D / DEPTHWISE_CONV_2D. TFLite has no explicit convolution pads (SAME or VALID only), so
 * a PAD can be folded only where its amounts are SAME's: before = ⌊total / 2⌋, after = the rest, total =
 * max((⌈H / s⌉ − 1)·s + (k − 1)·d + 1 − H, 0).
 *
 * Evidence that ST's zoo 4.x fft exports are this graph (docs/targets.md "Session 12 (padfft12)"): ST's food101
 * MobileNet v1 0.25 224 fft file (sha256 = its zoo LFS oid) has 32 operators and no PAD; its four stride-2 depthwise
 * convolutions have SAME padding (0, 0, 1, 1) on the unpadded 112/56/28/14 inputs, where the legacy file we hold runs
 * PAD ((0, 1), (0, 1)) → VALID depthwise (36 operators); every other layer is the same.
 *
 * Used by calibration only (benchmarked-exports.ts): `check` analyzes the user's file as it is.
 */
import type { ActivationTensor, Analysis, Layer } from './layer.ts';

/** TF 'SAME' padding of one spatial axis: [before, after]. */
export function samePadding(inSize: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * The conv padding a PAD → conv pair folds into, or undefined when the pair cannot be one SAME-padded TFLite
 * convolution: a constant PAD (not PADV2 / MIRROR_PAD) of an NHWC 4-D tensor padding H and W only, whose sole
 * reader is a Conv or DepthwiseConv without padding of its own, and whose growth per axis is SAME's total.
 */
export function foldablePadding(pad: Layer, conv: Layer): [number, number, number, number] | undefined {
  if (pad.op !== 'Pad' || pad.sourceOps.length !== 1 || pad.sourceOps[0] !== 'PAD') return undefined;
  if ((conv.op !== 'Conv' && conv.op !== 'DepthwiseConv') || !conv.conv || conv.conv.pads.some((p) => p !== 0)) return undefined;
  if (pad.layout !== 'NHWC' || conv.layout !== 'NHWC' || conv.inputs[0] !== pad.outputs[0]) return undefined;
  const src = pad.inputShapes[0];
  const padded = pad.outputShapes[0];
  if (!src || !padded || src.length !== 4 || padded.length !== 4) return undefined;
  if (src[0] !== padded[0] || src[3] !== padded[3]) return undefined;
  const g = conv.conv;
  const [top, bottom] = samePadding(src[1]!, g.kernel[0], g.strides[0], g.dilations[0]);
  const [left, right] = samePadding(src[2]!, g.kernel[1], g.strides[1], g.dilations[1]);
  if (padded[1]! - src[1]! !== top + bottom || padded[2]! - src[2]! !== left + right) return undefined;
  return [top, left, bottom, right];
}

/**
 * The analysis with every foldable PAD → conv pair (foldablePadding) replaced by the convolution reading the PAD's
 * input with that padding. The convolution's output, weights and MACs are unchanged; the PAD layer and its output
 * tensor are gone; layers are re-indexed in the same order. Returns the analysis itself when nothing folds.
 */
export function foldPadsIntoConvs(a: Analysis): Analysis {
  const tensorByName = new Map(a.tensors.map((t) => [t.name, t]));
  const folded = new Map<number, { pad: Layer; pads: [number, number, number, number] }>(); // conv index → its PAD
  for (const pad of a.layers) {
    if (pad.op !== 'Pad' || pad.outputs.length !== 1) continue;
    const t = tensorByName.get(pad.outputs[0]!);
    if (!t || t.isGraphOutput || t.consumers.length !== 1) continue;
    const conv = a.layers[t.consumers[0]!];
    const pads = conv && foldablePadding(pad, conv);
    if (pads) folded.set(conv.index, { pad, pads });
  }
  if (folded.size === 0) return a;
  const removed = new Set([...folded.values()].map((f) => f.pad.index));
  const newIndex = new Map<number, number>();
  for (const l of a.layers) if (!removed.has(l.index)) newIndex.set(l.index, newIndex.size);
  // a reader of a PAD's input that read it through the PAD is now the conv
  const throughPad = new Map<number, number>([...folded].map(([convIndex, f]) => [f.pad.index, convIndex]));
  const layers: Layer[] = a.layers
    .filter((l) => !removed.has(l.index))
    .map((l) => {
      const f = folded.get(l.index);
      const moved: Layer = { ...l, index: newIndex.get(l.index)! };
      if (!f) return moved;
      return {
        ...moved,
        inputs: [f.pad.inputs[0]!, ...l.inputs.slice(1)],
        inputShapes: [f.pad.inputShapes[0]!, ...l.inputShapes.slice(1)],
        inputDtypes: [f.pad.inputDtypes[0]!, ...l.inputDtypes.slice(1)],
        conv: { ...l.conv!, pads: f.pads },
      };
    });
  const padOutputs = new Set([...folded.values()].map((f) => f.pad.outputs[0]!));
  const tensors: ActivationTensor[] = a.tensors
    .filter((t) => !padOutputs.has(t.name))
    .map((t) => ({
      ...t,
      producer: t.producer < 0 ? t.producer : newIndex.get(t.producer)!,
      consumers: t.consumers.map((c) => newIndex.get(throughPad.get(c) ?? c)!),
    }));
  const padMacs = [...folded.values()].reduce((s, f) => s + f.pad.macs, 0);
  const padStMacc = [...folded.values()].reduce((s, f) => s + f.pad.stMacc, 0);
  const { activationPeakBytes: _planned, ...totals } = a.totals;
  return { ...a, layers, tensors, totals: { ...totals, macs: totals.macs - padMacs, stMacc: totals.stMacc - padStMacc } };
}
