/**
 * A flatbuffers ByteBuffer that refuses to read outside the file.
 *
 * The flatbuffers runtime does no bounds checks: an offset that points past the end reads `undefined`
 * bytes and silently returns garbage (or 0). Every primitive read of the generated accessors goes through
 * readUint8 / readUint16 / readInt32 (the wider and signed reads are built on these), so checking those
 * three, plus the string length, makes every offset the generated code follows verified before use.
 * Vectors cannot make a loop run away: each element read is checked, so a forged length fails at the
 * first element past the end of the file.
 */
import { ByteBuffer } from 'flatbuffers';

/** Thrown by CheckedByteBuffer; the reader turns it into EdgefitError('TRUNCATED' | 'BAD_MODEL'). */
export class OutOfBoundsError extends Error {
  readonly offset: number;
  readonly size: number;
  constructor(offset: number, size: number, capacity: number) {
    super(`read of ${size} byte(s) at offset ${offset} is outside the ${capacity}-byte file`);
    this.name = 'OutOfBoundsError';
    this.offset = offset;
    this.size = size;
  }
}

export class CheckedByteBuffer extends ByteBuffer {
  private readonly length: number;

  constructor(bytes: Uint8Array) {
    super(bytes);
    this.length = bytes.length;
  }

  /** Throws unless [offset, offset + size) lies inside the buffer. */
  check(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || size < 0 || offset + size > this.length) {
      throw new OutOfBoundsError(offset, size, this.length);
    }
  }

  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }

  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }

  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }

  override __string(offset: number, optEncoding?: unknown): string | Uint8Array {
    const start = offset + this.readInt32(offset);
    const len = this.readInt32(start);
    this.check(start + 4, len);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return super.__string(offset, optEncoding as any);
  }

  /**
   * Start offset and length of the vector stored in field `vtableOffset` of the table at `tablePos`,
   * verified to lie inside the buffer for elements of `elemBytes` bytes; null when the field is absent.
   */
  vectorSpan(tablePos: number, vtableOffset: number, elemBytes: number): { start: number; length: number } | null {
    const o = this.__offset(tablePos, vtableOffset);
    if (!o) return null;
    const start = this.__vector(tablePos + o);
    const length = this.__vector_len(tablePos + o);
    if (length < 0) throw new OutOfBoundsError(start, length, this.length);
    this.check(start, length * elemBytes);
    return { start, length };
  }
}
