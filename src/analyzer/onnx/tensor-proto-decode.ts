/**
 * A protobufjs TensorProto decoder that keeps packed typed fields (float_data, int32_data, int64_data,
 * double_data, uint64_data) as byte views, and the `ReadTensorProto` / `PackedFields` types tensor-data.ts
 * reads. The model reader itself decodes with wire-decode.ts (same representation); this decoder remains
 * for tests that build a TensorProto with protobufjs and convert it with tensorData.
 */
import protobuf from 'protobufjs/minimal.js';
import { onnx, type TensorProto } from './proto.ts';
import { concatBytes } from './wire-reader.ts';

/** The packed typed fields, as byte views (varints for int32/int64/uint64, little-endian for float/double). */
export interface PackedFields {
  floatData?: Uint8Array;
  int32Data?: Uint8Array;
  int64Data?: Uint8Array;
  doubleData?: Uint8Array;
  uint64Data?: Uint8Array;
}

export type ReadTensorProto = TensorProto & { packed?: PackedFields };

type Reader = protobuf.Reader;

const PACKED_FIELDS: Record<number, keyof PackedFields> = {
  4: 'floatData',
  5: 'int32Data',
  7: 'int64Data',
  10: 'doubleData',
  11: 'uint64Data',
};

function outOfRange(reader: Reader, length: number): RangeError {
  return new RangeError(`index out of range: ${reader.pos} + ${length} > ${reader.len}`);
}

/** Same wire format as the generated TensorProto.decode; typed fields stay packed views. */
export function decodeTensorProto(readerOrBytes: Reader | Uint8Array, length?: number): ReadTensorProto {
  const reader = readerOrBytes instanceof Uint8Array ? protobuf.Reader.create(readerOrBytes) : readerOrBytes;
  const end = length === undefined ? reader.len : reader.pos + length;
  if (end > reader.len) throw outOfRange(reader, length ?? 0);
  const t: ReadTensorProto = { dims: [], externalData: [] };
  const unpacked: Record<string, (number | object)[]> = {};
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    const packedName = PACKED_FIELDS[field];
    if (packedName !== undefined && wire === 2) {
      const len = reader.uint32();
      const start = reader.pos;
      if (start + len > end) throw outOfRange(reader, len);
      const prior = t.packed?.[packedName];
      const view = reader.buf.subarray(start, start + len);
      (t.packed ??= {})[packedName] = prior ? concatBytes(prior, view) : view;
      reader.pos = start + len;
      continue;
    }
    if (packedName !== undefined) {
      // A non-packed repeated element (legal protobuf, rare in ONNX files).
      const list = (unpacked[packedName] ??= []);
      if (field === 4 && wire === 5) list.push(reader.float());
      else if (field === 10 && wire === 1) list.push(reader.double());
      else if (field === 5 && wire === 0) list.push(reader.int32());
      else if (field === 7 && wire === 0) list.push(reader.int64());
      else if (field === 11 && wire === 0) list.push(reader.uint64());
      else reader.skipType(wire);
      continue;
    }
    switch (field) {
      case 1:
        if (wire === 2) {
          const end2 = reader.uint32() + reader.pos;
          while (reader.pos < end2) t.dims!.push(reader.int64());
        } else t.dims!.push(reader.int64());
        break;
      case 2:
        t.dataType = reader.int32();
        break;
      case 3:
        t.segment = onnx.TensorProto.Segment.decode(reader, reader.uint32());
        break;
      case 6:
        (t.stringData ??= []).push(reader.bytes());
        break;
      case 8:
        t.name = reader.string();
        break;
      case 9:
        t.rawData = reader.bytes();
        break;
      case 12:
        t.docString = reader.string();
        break;
      case 13:
        t.externalData!.push(onnx.StringStringEntryProto.decode(reader, reader.uint32()));
        break;
      case 14:
        t.dataLocation = reader.int32();
        break;
      default:
        reader.skipType(wire);
    }
  }
  for (const [name, list] of Object.entries(unpacked)) (t as Record<string, unknown>)[name] = list;
  return t;
}

