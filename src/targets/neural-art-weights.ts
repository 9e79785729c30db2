/**
 * STM32N6 Neural-ART weights flash: what ST's N6 tables publish as "Weights Flash" beside the MCU figure (kernels +
 * biases + layer constants, analysis.totals.weightsFlashBytes).
 *
 * A convolution with more than 512 output channels gets two 16-bit per-channel tables in the weight blob, its output
 * requantization's `mul_scale` and `off_bias`, each of shape [1, 1, W, C] (W the output width, C the output channels):
 * 2 tables × 2 B × W × C. A convolution with at most 512 output channels gets none. Shown by every `--all-buffers-info`
 * parameter table of ST's public N6 projects (data/st-generated/n6-weight-tables.json): 13 such convolutions in
 * MobileNet v2 256×128 (STEdgeAI 3.0, the zoo file: 214,016 B, ours to the byte), 13 in MoveNet 192 (2.1: 321,024 B),
 * 46 in EfficientNet v2 B1 240 (2.1: 1,220,224 B); every table is [1, 1, W, C] with C ∈ {576, 672, 960, 1152, 1280},
 * and no convolution of ≤ 384 channels in any of the six files has one. The bound between 384 and 576 is 512: ST's
 * MobileNet v1 1.0 and 0.5 rows (zoo-builder stand-ins with 512-channel layers) are within 0.5 % without tables for
 * them and would be 7–9 % (1.0) and 3–4 % (0.5) over with them. Fully connected layers keep scalar parameters
 * (EfficientNet v2's Gemm: none). Every file behind the rule is per-channel quantized; a per-tensor convolution gets the
 * same tables here (its biases are per channel all the same), which no ST file shows.
 *
 * ST's tables publish this figure in two forms (docs/targets.md "N6 weights flash"). The image-classification, YOLO
 * and Yamnet rows: kernels + biases + constants + tables (`neuralArtWeightsFlashBytes`, what `check` predicts). The
 * re-identification rows: the weight blob as ST's STEdgeAI 2.1 applications generate it, every 3×3 depthwise kernel
 * stored 8 times ([C, 3, 3, 8], `<layer>_weights_inflated_<n>`) and no biases (`neuralArtBlobBytes`): MobileNet v2 1.0
 * and 0.35 256×128 to 52 B and 38 B, MoveNet's and YOLO-X nano's application blobs to 0.02 % and 0.16 %. Which
 * options give which form is not public; data/published/npu-weight-forms.json says which rows are in the blob form.
 */
import type { Analysis, Layer } from '../analyzer/layer.ts';

/** Output channels a Neural-ART convolution requantizes with its own per-channel parameters (no table in the blob). */
export const NATIVE_REQUANT_CHANNELS = 512;
/** mul_scale + off_bias, 16-bit fixed point each (`DataType_FXP`, nbits 16 in ST's buffer tables). */
const TABLE_BYTES_PER_ENTRY = 2 * 2;

/** Bytes of a convolution's per-channel requantization tables in the Neural-ART weight blob (0 for other layers). */
export function channelTableBytes(l: Layer): number {
  if (l.kind !== 'conv' && l.kind !== 'pointwise' && l.kind !== 'depthwise') return 0;
  const out = l.outputShapes[0];
  if (!out || out.length < 2) return 0;
  const nchw = l.layout === 'NCHW';
  const channels = nchw ? out[1]! : out[out.length - 1]!;
  if (channels <= NATIVE_REQUANT_CHANNELS) return 0;
  // [N, H, W, C] or [N, C, H, W]; a 1-D convolution ([N, W, C] / [N, C, W]) has its length as width
  const width = out.length === 4 ? (nchw ? out[3]! : out[2]!) : out.length === 3 ? (nchw ? out[2]! : out[1]!) : 1;
  return TABLE_BYTES_PER_ENTRY * width * channels;
}

/** Weights flash on the N6 Neural-ART: the MCU figure (kernels + biases + layer constants) + the per-channel tables. */
export function neuralArtWeightsFlashBytes(a: Analysis): number {
  let tables = 0;
  for (const l of a.layers) tables += channelTableBytes(l);
  return (a.totals.weightsFlashBytes ?? a.totals.weightBytes) + tables;
}

/** Depthwise kernels ST's Neural-ART blob stores inflated to [C, 3, 3, 8] (every 3×3 depthwise of the STEdgeAI 2.1 blobs). */
const INFLATED_DEPTHWISE_COPIES = 8;

/**
 * The weight blob in the form of ST's application blobs: kernels with every 3×3 depthwise kernel stored
 * INFLATED_DEPTHWISE_COPIES times, no biases, layer constants and the per-channel tables.
 */
export function neuralArtBlobBytes(a: Analysis): number {
  let bytes = neuralArtWeightsFlashBytes(a);
  for (const l of a.layers) {
    bytes -= l.biasBytes;
    if (l.kind === 'depthwise' && l.conv?.kernel[0] === 3 && l.conv.kernel[1] === 3) bytes += (INFLATED_DEPTHWISE_COPIES - 1) * (l.weightBytes - l.biasBytes);
  }
  return bytes;
}
