/**
 * TFLite shape rules on cases the shared models do not exercise, with expectations taken from TensorFlow's own
 * documentation (tf.strided_slice, tf.nn.conv2d padding, tf.reshape, tf.split examples), not from this code.
 */
import { describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import type { AttrValue, TensorType } from '../src/analyzer/ir.ts';
import { findShapeRule } from '../src/analyzer/shapes/registry.ts';
import '../src/analyzer/shapes/tflite-rules.ts';

function run(opType: string, inputs: (TensorType | undefined)[], attrs: Record<string, AttrValue> = {}, outputs = 1): TensorType[] {
  const rule = findShapeRule('tflite', opType);
  if (!rule) throw new Error(`no rule for ${opType}`);
  const node = { name: `${opType}_0`, opType, domain: 'tflite', inputs: inputs.map((_, i) => `in${i}`), outputs: Array.from({ length: outputs }, (_, i) => `out${i}`), attrs };
  return rule({ node, inputs, opset: 3, attr: (n) => attrs[n] });
}

const i32 = (value: number[]): TensorType => ({ dtype: 'int32', shape: [value.length], value });
const act = (...shape: number[]): TensorType => ({ dtype: 'int8', shape });

describe('STRIDED_SLICE (tf.strided_slice documentation examples)', () => {
  // t = [[[1,1,1],[2,2,2]], [[3,3,3],[4,4,4]], [[5,5,5],[6,6,6]]]
  const t: TensorType = { dtype: 'int32', shape: [3, 2, 3], value: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6] };

  it('[1,0,0]:[2,1,3]:[1,1,1] → [[[3,3,3]]]', () => {
    const [out] = run('STRIDED_SLICE', [t, i32([1, 0, 0]), i32([2, 1, 3]), i32([1, 1, 1])]);
    expect(out).toEqual({ dtype: 'int32', shape: [1, 1, 3], value: [3, 3, 3] });
  });

  it('[1,0,0]:[2,2,3]:[1,1,1] → [[[3,3,3],[4,4,4]]]', () => {
    const [out] = run('STRIDED_SLICE', [t, i32([1, 0, 0]), i32([2, 2, 3]), i32([1, 1, 1])]);
    expect(out).toEqual({ dtype: 'int32', shape: [1, 2, 3], value: [3, 3, 3, 4, 4, 4] });
  });

  it('[1,-1,0]:[2,-3,3]:[1,-1,1] (negative stride) → [[[4,4,4],[3,3,3]]]', () => {
    const [out] = run('STRIDED_SLICE', [t, i32([1, -1, 0]), i32([2, -3, 3]), i32([1, -1, 1])]);
    expect(out).toEqual({ dtype: 'int32', shape: [1, 2, 3], value: [4, 4, 4, 3, 3, 3] });
  });

  it('shrink_axis_mask drops the sliced dim: t[1] → shape [2,3]', () => {
    const [out] = run('STRIDED_SLICE', [t, i32([1]), i32([2]), i32([1])], { shrink_axis_mask: 1 });
    expect(out).toEqual({ dtype: 'int32', shape: [2, 3], value: [3, 3, 3, 4, 4, 4] });
  });

  it('ellipsis and new axis: t[..., tf.newaxis, 0] → shape [3,2,1]', () => {
    // spec entries: ellipsis (bit 0), new axis (bit 1), index 0 with shrink (bit 2)
    const [out] = run('STRIDED_SLICE', [t, i32([0, 0, 0]), i32([0, 0, 1]), i32([1, 1, 1])], {
      ellipsis_mask: 1,
      new_axis_mask: 2,
      shrink_axis_mask: 4,
    });
    expect(out!.shape).toEqual([3, 2, 1]);
  });

  it('begin_mask/end_mask take the whole dim; strides 2 round up: [:, :, ::2] of [3,2,3] → [3,2,2]', () => {
    const [out] = run('STRIDED_SLICE', [t, i32([0, 0, 0]), i32([0, 0, 0]), i32([1, 1, 2])], { begin_mask: 7, end_mask: 7 });
    expect(out).toEqual({ dtype: 'int32', shape: [3, 2, 2], value: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6] });
  });

  it('needs constant begin/end: an unknown value is a dynamic-dim error, not a guess', () => {
    expect(() => run('STRIDED_SLICE', [t, { dtype: 'int32', shape: [3] }, i32([2, 1, 3]), i32([1, 1, 1])])).toThrow(EdgefitError);
  });
});

describe('convolutions and pools (TensorFlow SAME / VALID)', () => {
  it('SAME: out = ceil(in / stride); VALID: out = ceil((in − k + 1) / stride)', () => {
    const w = act(8, 3, 3, 4);
    expect(run('CONV_2D', [act(1, 7, 7, 4), w, undefined], { padding: 'SAME', stride_h: 2, stride_w: 2 })[0]!.shape).toEqual([1, 4, 4, 8]);
    expect(run('CONV_2D', [act(1, 7, 7, 4), w, undefined], { padding: 'VALID', stride_h: 2, stride_w: 2 })[0]!.shape).toEqual([1, 3, 3, 8]);
    // dilation 2 makes a 3×3 kernel span 5
    expect(run('CONV_2D', [act(1, 9, 9, 4), w, undefined], { padding: 'VALID', stride_h: 1, stride_w: 1, dilation_h_factor: 2, dilation_w_factor: 2 })[0]!.shape).toEqual([1, 5, 5, 8]);
  });

  it('grouped CONV_2D: filter depth divides the input channels; otherwise BAD_SHAPE', () => {
    expect(run('CONV_2D', [act(1, 8, 8, 8), act(16, 1, 1, 4), undefined], { padding: 'SAME', stride_h: 1, stride_w: 1 })[0]!.shape).toEqual([1, 8, 8, 16]);
    expect(() => run('CONV_2D', [act(1, 8, 8, 6), act(16, 1, 1, 4), undefined], { padding: 'SAME' })).toThrow(/not a multiple/);
  });

  it('DEPTHWISE_CONV_2D: output channels from the [1,Kh,Kw,Cout] filter', () => {
    expect(run('DEPTHWISE_CONV_2D', [act(1, 10, 10, 8), act(1, 5, 5, 16), undefined], { padding: 'SAME', stride_h: 2, stride_w: 2, depth_multiplier: 2 })[0]!.shape).toEqual([1, 5, 5, 16]);
  });

  it('MAX_POOL_2D 3×3 s2 VALID on 13 → 6', () => {
    expect(run('MAX_POOL_2D', [act(1, 13, 13, 4)], { padding: 'VALID', stride_h: 2, stride_w: 2, filter_height: 3, filter_width: 3 })[0]!.shape).toEqual([1, 6, 6, 4]);
  });

  it('a pool window, stride or dilation below 1 is BAD_SHAPE (fuzz seed 11 case 1596: filter_width −1 gave −1,024 MACs)', () => {
    const x = act(1, 8, 8, 4);
    expect(() => run('AVERAGE_POOL_2D', [x], { padding: 'VALID', stride_h: 1, stride_w: 1, filter_height: 8, filter_width: -1 })).toThrow(/sizes must be at least 1/);
    expect(() => run('MAX_POOL_2D', [x], { padding: 'VALID', stride_h: -2, stride_w: 1, filter_height: 2, filter_width: 2 })).toThrow(/must be at least 1/);
    expect(() => run('CONV_2D', [x, act(8, 3, 3, 4), undefined], { padding: 'SAME', dilation_h_factor: -1 })).toThrow(/must be at least 1/);
  });

  it('TRANSPOSE_CONV output shape is its output_shape operand', () => {
    expect(run('TRANSPOSE_CONV', [i32([1, 16, 16, 8]), act(8, 3, 3, 4), act(1, 8, 8, 4)], { padding: 'SAME', stride_h: 2, stride_w: 2 })[0]!.shape).toEqual([1, 16, 16, 8]);
  });
});

describe('dense, reshapes and splits', () => {
  it('FULLY_CONNECTED flattens to [N·…/K, units] unless keep_num_dims', () => {
    expect(run('FULLY_CONNECTED', [act(1, 4, 4, 16), act(10, 256), undefined])[0]!.shape).toEqual([1, 10]);
    expect(run('FULLY_CONNECTED', [act(1, 5, 16), act(10, 16), undefined], { keep_num_dims: 1 })[0]!.shape).toEqual([1, 5, 10]);
  });

  it('RESHAPE: the shape operand wins; else new_shape; −1 inferred (tf.reshape)', () => {
    expect(run('RESHAPE', [act(1, 2, 3, 4), i32([-1, 12])])[0]!.shape).toEqual([2, 12]);
    expect(run('RESHAPE', [act(1, 2, 3, 4), undefined], { new_shape: [4, -1] })[0]!.shape).toEqual([4, 6]);
    expect(() => run('RESHAPE', [act(1, 2, 3, 4), i32([5, -1])])).toThrow(/cannot reshape 24 elements/);
  });

  it('SPLIT_V with one −1 size takes the rest (tf.split)', () => {
    const outs = run('SPLIT_V', [act(1, 30, 4), i32([4, -1, 11]), { dtype: 'int32', shape: [], value: [1] }], { num_splits: 3 }, 3);
    expect(outs.map((o) => o.shape)).toEqual([
      [1, 4, 4],
      [1, 15, 4],
      [1, 11, 4],
    ]);
  });

  it('SPLIT (axis operand first) into equal parts', () => {
    const outs = run('SPLIT', [{ dtype: 'int32', shape: [], value: [-1] }, act(1, 8, 8, 64)], { num_splits: 2 }, 2);
    expect(outs.map((o) => o.shape)).toEqual([
      [1, 8, 8, 32],
      [1, 8, 8, 32],
    ]);
  });

  it('PACK interleaves folded values on axis 0 and 1', () => {
    const s = (v: number): TensorType => ({ dtype: 'int32', shape: [], value: [v] });
    expect(run('PACK', [s(1), s(1), s(1), s(16)], { axis: 0, values_count: 4 })[0]).toEqual({ dtype: 'int32', shape: [4], value: [1, 1, 1, 16] });
    const a: TensorType = { dtype: 'int32', shape: [2], value: [1, 2] };
    const b: TensorType = { dtype: 'int32', shape: [2], value: [3, 4] };
    expect(run('PACK', [a, b], { axis: 1 })[0]).toEqual({ dtype: 'int32', shape: [2, 2], value: [1, 3, 2, 4] });
  });

  it('MEAN keep_dims, GATHER, BATCH_MATMUL adjoint, ARG_MAX output_type', () => {
    expect(run('MEAN', [act(1, 7, 7, 32), i32([1, 2])], { keep_dims: 1 })[0]!.shape).toEqual([1, 1, 1, 32]);
    expect(run('MEAN', [act(1, 7, 7, 32), i32([1, 2])], { keep_dims: 0 })[0]!.shape).toEqual([1, 32]);
    expect(run('GATHER', [act(5, 6, 7), { dtype: 'int32', shape: [2, 3] }], { axis: 1 })[0]!.shape).toEqual([5, 2, 3, 7]);
    expect(run('BATCH_MATMUL', [act(1, 2, 32, 64), act(1, 2, 32, 64)], { adj_x: 1 })[0]!.shape).toEqual([1, 2, 64, 64]);
    expect(run('ARG_MAX', [act(1, 10), i32([1])], { output_type: 'INT32' })[0]).toEqual({ dtype: 'int32', shape: [1] });
  });
});
