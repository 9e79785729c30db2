/**
 * A float32 initializer whose data is an external-data reference written as given (location, offset, length;
 * offset and length may be any text, as a file may hold), not through the builder's `external` option, which
 * writes the data file too: the robustness tests aim such references at absolute paths, `..`, symlinks and
 * ranges past the end, and check the loader's refusal.
 */
import { onnx, type TensorProto } from '../../src/analyzer/onnx/proto.ts';

export function externalFloat32(name: string, dims: number[], location: string, offset: number | string, length: number | string): TensorProto {
  return {
    name,
    dataType: onnx.TensorProto.DataType.FLOAT,
    dims,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}
