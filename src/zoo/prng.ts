/**
 * A small seeded PRNG (mulberry32) so a zoo build is byte-for-byte deterministic for the same arguments.
 * The values only need to look like a trained network's (int8 spread over the range, positive scales).
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** `count` symmetric int8 values in [−127, 127] as raw bytes (two's complement). */
  int8Bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i += 4) {
      let r = this.nextU32();
      for (let j = 0; j < 4 && i + j < count; j++, r >>>= 8) {
        const b = r & 0xff;
        out[i + j] = b === 0x80 ? 0x81 : b; // −128 is outside the symmetric range
      }
    }
    return out;
  }

  /** `count` int4 values packed two per byte, low nibble first; the unused high nibble of an odd count is 0. */
  int4Bytes(count: number): Uint8Array {
    const out = new Uint8Array(Math.ceil(count / 2));
    for (let i = 0; i < out.length; i++) {
      let lo = this.nextU32() & 0xf;
      let hi = (this.nextU32() >>> 8) & 0xf;
      if (lo === 0x8) lo = 0x9; // −8 is outside the symmetric range
      if (hi === 0x8) hi = 0x9;
      out[i] = 2 * i + 1 < count ? lo | (hi << 4) : lo;
    }
    return out;
  }
}
