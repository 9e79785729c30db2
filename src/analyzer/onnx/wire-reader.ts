/**
 * Protobuf wire-format primitives over a model held in memory or read from a file descriptor through a
 * window, for the lazy ONNX reader (wire-decode.ts). Positions are absolute file offsets.
 *
 * - Memory: the window is the whole buffer; views (subarray) cost nothing.
 * - File: the window is a scratch buffer re-filled with readFully at the position asked for (4 KiB after a
 *   jump of more than 4 KiB, doubling to 256 KiB while reading on; kept from one load to the next: nothing read
 *   through it escapes as a view; small payloads and strings are copies), or the file's first bytes as read by
 *   the caller (`head`, read again by the decoder after the top-level scan). A
 *   caller that meets a long payload it does not need now (initializer raw_data, packed float_data) asks
 *   `payload`, which returns a copy when it is small and otherwise a `LazyRange` (offset + length) without
 *   reading it.
 * Strings are decoded once per load (StringTable), cut from block strings of the window (StringTable.sliced): a
 * name read again is the same string object, and the reader knows whether any string held a control character
 * (`namesPrintable`).
 * Every length is checked against the end of the message that holds it, so a damaged or truncated file is
 * refused before anything is allocated from a declared size.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { CONTROL_CHARS, EdgefitError } from '../errors.ts';
import { readFully } from './read-fully.ts';

/** Bytes of the first window refill in file mode (then see MIN_WINDOW_BYTES / MAX_WINDOW_BYTES). */
const WINDOW_BYTES = 16 * 1024;
/**
 * Window sizes between refills: reading on from the window's end (the node list) doubles the window up to
 * MAX_WINDOW_BYTES (fewer reads); a jump past the window (over a payload left on disk) starts again at
 * MIN_WINDOW_BYTES, since what follows is often a short tensor header and the next long payload, which a full
 * window would copy only to skip.
 */
const MIN_WINDOW_BYTES = 4 * 1024;
const MAX_WINDOW_BYTES = 256 * 1024;
/**
 * A jump past the window's end by at most this many bytes (over a payload left on disk) still counts as reading
 * on. Reading through longer gaps saves system calls but copies more than it saves: replaying yolo26's reads
 * (least CPU of 60 rounds), 80 reads of 992 KiB before the first bytes were kept took 137 µs; with a 4 KiB gap,
 * 68 of 1,036 KiB took 121 µs; 32 KiB, 24 of 2,342 KiB, 147 µs; 128 KiB, 14 of 2,474 KiB, 157 µs.
 */
const READ_THROUGH_BYTES = 4 * 1024;
/** Payloads up to this many bytes are read with the structure; longer ones outside the window stay on disk. */
export const INLINE_PAYLOAD_BYTES = 4 * 1024;

/** a followed by b in one new array (split fields of one tensor). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The identity of a model file at load time: a lazy payload is read only from the same, unchanged file. */
export interface FileIdentity {
  /** Absolute path (the working directory may change before a payload is read). */
  path: string;
  /** Path as the user gave it, for messages. */
  shown: string;
  size: number;
  mtimeMs: number;
}

/** A payload left on disk: `length` bytes at `offset` of `file`. */
export interface LazyRange {
  file: FileIdentity;
  offset: number;
  length: number;
  /** The payloads left on disk by the same load (read together once a second one is asked for). */
  group?: LazyGroup;
  /** The bytes, once read. */
  bytes?: Uint8Array;
}

/** The payloads one load left on disk, and how many reads were asked for. */
export interface LazyGroup {
  ranges: LazyRange[];
  reads: number;
}

/**
 * Reads a lazy payload: opens the file, checks it is the one loaded, reads, closes (no descriptor kept).
 * The first payload asked for is read alone (shape inference may need one constant); from the second on,
 * every payload of the same load still on disk is read in the same open (analysis reads every weight).
 */
export function readLazyRange(r: LazyRange): Uint8Array {
  if (r.bytes) return r.bytes;
  const group = r.group;
  const batch = group && group.reads++ > 0 ? group.ranges.filter((x) => !x.bytes) : [r];
  withUnchangedFile(r.file, (fd) => {
    for (const x of batch) x.bytes = readAt(fd, x);
  });
  if (group && batch.length > 1) group.ranges = [];
  return r.bytes!;
}

function withUnchangedFile(file: FileIdentity, read: (fd: number) => void): void {
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch (e) {
    throw new EdgefitError('FILE_NOT_FOUND', `${file.shown} cannot be read again for its tensor data (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== file.size || st.mtimeMs !== file.mtimeMs) {
      throw new EdgefitError('BAD_MODEL', `${file.shown} changed on disk after it was loaded; load it again`);
    }
    read(fd);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, r: LazyRange): Uint8Array {
  const out = new Uint8Array(r.length);
  const got = readFully(fd, out, 0, r.length, r.offset);
  if (got < r.length) throw new EdgefitError('TRUNCATED', `${r.file.shown} ended while reading tensor data at byte ${r.offset + got}`);
  return out;
}

/**
 * Hands out small zeroed byte ranges carved from shared 64 KiB buffers (8-byte aligned): one allocation for
 * hundreds of decoded scales, zero points and biases instead of one ArrayBuffer each.
 */
export class ByteArena {
  /**
   * The current chunk's ArrayBuffer (kept in a field: a typed array's `.buffer` getter cost about as much as
   * making the view itself, ~40 ns, once per small payload).
   */
  private chunk = new ArrayBuffer(0);
  private used = 0;
  private readonly chunkBytes: number;

  /** `sizeHint`: the model's size, so a small model does not get a 64 KiB chunk. */
  constructor(sizeHint = 64 * 1024) {
    this.chunkBytes = Math.min(64 * 1024, Math.max(4096, sizeHint));
  }

  alloc(n: number): Uint8Array {
    if (n > 4096) return new Uint8Array(n);
    if (this.used + n > this.chunk.byteLength) {
      this.chunk = new ArrayBuffer(this.chunkBytes);
      this.used = 0;
    }
    const out = new Uint8Array(this.chunk, this.used, n);
    this.used = (this.used + n + 7) & ~7;
    return out;
  }
}

/**
 * The window buffer of file mode, reused from one load to the next (loads are synchronous): nothing read
 * through it escapes as a view (view() copies, payload() copies or leaves on disk, strings are copies).
 */
let scratch = Buffer.allocUnsafe(WINDOW_BYTES);
/** A window needed larger than this is allocated for the occasion and not kept. */
const MAX_KEPT_SCRATCH = 1 << 20;

type SliceBuffer = Buffer & { utf8Slice(s: number, e: number): string; latin1Slice(s: number, e: number): string };

/**
 * Bit 7 of each byte of the result is set when that byte of the 4-byte word `w` is not printable ASCII (below
 * 0x20, or 0x7f and up; exact as to whether any byte is): `(w − 0x20…) & ~w` flags bytes below 0x20,
 * `w + 0x01…` flags 0x7f, `w` itself flags 0x80 and up. A carry or borrow can only spill from a flagged byte.
 */
function oddWordBytes(w: number): number {
  return ((w - 0x20202020) & ~w) | (w + 0x01010101) | w;
}

/** Bit 7 set when the byte `b` is not printable ASCII. */
function oddByte(b: number): number {
  return (b - 0x20) | (b + 1);
}

/**
 * The hash StringTable.unkept gives the bytes of `s`, computed from its characters, or undefined when `s` is
 * not printable ASCII (its bytes would not be its characters): reader.ts hashes the names it makes up for
 * unnamed nodes with it, to test them against the file's node names.
 */
export function hashPrintable(s: string): number | undefined {
  const n = s.length;
  const words = n >> 2;
  let h = n;
  for (let k = 0; k < words; k++) {
    let w = 0;
    for (let j = 3; j >= 0; j--) {
      const c = s.charCodeAt(4 * k + j);
      if (c < 0x20 || c >= 0x7f) return undefined;
      w = (w << 8) | c;
    }
    h = Math.imul(((h << 15) | (h >>> 17)) ^ w, 0x9e3779b1);
  }
  for (let i = 4 * words; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return undefined;
    h = Math.imul(((h << 15) | (h >>> 17)) ^ c, 0x85ebca6b);
  }
  return h ^ (h >>> 16);
}

/** Strings longer than this are decoded each time (names are shorter; doc-like strings are rarely repeated). */
const MAX_INTERNED_CHARS = 256;

/**
 * Characters of the window decoded at once into a block string, from which names are then cut (see
 * StringTable.sliced).
 */
const BLOCK_CHARS = 16 * 1024;

/**
 * The format's words (op types, attribute names, domains: `flat` strings) up to this many bytes are looked up
 * first in a small direct-mapped cache of the words of this load (StringTable.word), before the table.
 */
const MAX_WORD_BYTES = 16;
/** Entries of that cache (a power of two; 2^WORD_BITS). */
const WORD_BITS = 6;
/** Ints per cache entry: the length, then four words that together cover every byte of it (see StringTable.word). */
const WORD_ENTRY = 5;

/**
 * The string table's storage, kept from one load to the next (loads are synchronous) and grown when a load
 * needs more, so a load does not allocate (and the system zero) fresh arrays of this size. Typed arrays only:
 * the strings themselves go to an array of each load's own (see StringTable.strings).
 */
const shared = {
  slots: new Int32Array(0),
  entries: new Int32Array(0),
  pool: new Int32Array(0),
  /** StringTable.wordKeys / wordIds (cleared at each load). */
  wordKeys: new Int32Array(WORD_ENTRY << WORD_BITS),
  wordIds: new Int32Array(1 << WORD_BITS),
};

/** Ints per string in StringTable.entries: its hash, where its words start in the pool, its length in bytes. */
const ENTRY = 4;

/** Whether this host is little-endian (the pool's Int32Array then holds the file's bytes in their order). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The strings one load decoded, keyed by their bytes (open addressing; a multiplicative hash over 4-byte
 * words, the slot taken from its top bits). A tensor name appears as a node output, then as one or more node
 * inputs, an initializer and value_info: decoded once, it is one string object, so the Maps keyed by it
 * (reader, graph check, shape inference) hash it once and compare by identity, and each kept string has a
 * number (1, 2, … in the order first read) for bookkeeping in typed arrays. The hashing pass doubles as the
 * test for characters that must not print raw. Only printable ASCII strings are kept (their bytes are their
 * characters); others are decoded every time. Node names are not kept (`unkept`: each is read once as a rule,
 * so an entry would cost a copy and a probe for nothing); reader.ts tests them for clashes by a hash of their
 * bytes.
 *
 * Memory layout, for few cache misses (a lookup's cost is mostly misses: the decoder's other work evicts the
 * table between lookups): the slots hold only string numbers (4 bytes each); what is known of a string lives
 * at its number, in the order first read, where a name read again soon after its first reading (a node's
 * output read by the next node) is still in cache.
 */
class StringTable {
  /** String number by slot (0: empty slot). */
  private slots: Int32Array;
  private mask: number;
  private shift: number;
  /** Per string number, ENTRY ints: its hash, where its words start in `pool`, its length in bytes. */
  private entries: Int32Array;
  /**
   * The kept strings, by number: an array of this load's own, handed to the model (keptStrings) without a copy.
   * Not kept from one load to the next: a long-lived array would be in V8's old generation, and each new string
   * stored into it would pass the write barrier's slow path and add a slot for the next scavenge to visit.
   */
  private readonly strings: (string | undefined)[] = [undefined];
  /** Strings kept before the slots double (half of them). */
  private limit: number;
  /** Strings kept; each is numbered 1, 2, … in the order first read. */
  count = 0;
  /** The number of the string last returned: ≥ 1 when kept, 0 for '', −1 for a string decoded without the table. */
  lastId = 0;
  /**
   * A copy of each kept string's bytes as little-endian 32-bit words, the last one zero-padded (the window
   * they were read from is reused): a string being looked up is compared word against word with it.
   */
  private pool: Int32Array;
  /** A DataView of `pool`'s buffer (8-byte comparisons). */
  private poolView: DataView;
  private poolUsed = 0;
  /** A DataView of `viewOf` (the reader's current window), for reading 4 bytes at a time. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Buffer | undefined;
  /**
   * The window bytes [blockStart, blockStart + block.length) of `blockOf` as a latin1 string (see sliced); undefined
   * `blockOf` when there is none for the current window contents.
   */
  private block = '';
  private blockStart = 0;
  private blockOf: Buffer | undefined;
  /** Where the window's bytes end in its buffer (a reused buffer holds stale bytes after that). */
  private windowEnd = 0;
  /**
   * Whether a string decoded so far holds a character CONTROL_CHARS matches (C0/C1 controls, DEL, line
   * separators): while false, every name of the load prints as it is (graph-check's withPrintableNames
   * has nothing to escape).
   */
  controlChars = false;
  /**
   * The cache of the format's words (StringTable.word): per entry WORD_ENTRY ints (length 0: empty) in `wordKeys`,
   * the string and its number at the same index in `wordStrings` / `wordIds`. The typed arrays are kept from one
   * load to the next (cleared), the strings are this load's own.
   */
  private readonly wordKeys: Int32Array;
  private readonly wordIds: Int32Array;
  private readonly wordStrings: string[] = new Array<string>(1 << WORD_BITS).fill('');
  /** The hash of the bytes of the string last read by unkept(). */
  unkeptHash = 0;
  /** Whether that string is printable ASCII (its bytes are its characters). */
  unkeptPlain = false;

  /**
   * `sizeHint`: the model's size in bytes; a 3.5 MB QDQ model holds about 2,900 distinct names besides its
   * 1,500 node names (not kept), a 3 MB float SqueezeNet about 200. The slots grow when half full.
   */
  constructor(sizeHint: number) {
    let bits = 8;
    while (bits < 14 && 1 << (bits + 8) < sizeHint) bits++;
    const size = 1 << bits;
    if (shared.slots.length < size) shared.slots = new Int32Array(size);
    else shared.slots.fill(0, 0, size);
    if (shared.entries.length < ENTRY * (size / 2 + 1)) shared.entries = new Int32Array(ENTRY * (size / 2 + 1));
    if (shared.pool.length < 4 * size) shared.pool = new Int32Array(4 * size);
    this.slots = shared.slots;
    this.entries = shared.entries;
    this.pool = shared.pool;
    this.poolView = new DataView(this.pool.buffer);
    this.wordKeys = shared.wordKeys.fill(0);
    this.wordIds = shared.wordIds;
    this.mask = size - 1;
    this.shift = 32 - bits;
    this.limit = size / 2;
  }

  /** The kept strings by number (index 0 unused); the table keeps no more strings after this is asked. */
  keptStrings(): (string | undefined)[] {
    return this.strings;
  }

  /** The window now holds `length` other bytes of the file (at the start of its buffer): no block string is valid. */
  windowChanged(length: number): void {
    this.blockOf = undefined;
    this.windowEnd = length;
  }

  /**
   * The n printable ASCII bytes at `start` of `buf` as a string, cut from a block string of the window: one
   * latin1 decode per BLOCK_CHARS of the window instead of one native call per name, and V8 makes a cut of 13
   * characters or more a sliced string (a reference to the block, no copy). A block stays alive as long as a
   * name cut from it does; blocks do not go past the window, so they hold at most the bytes read through the
   * window (about the model's structure: names, node and tensor headers, the small payloads between them).
   */
  private sliced(buf: Buffer, start: number, n: number): string {
    let from = start - this.blockStart;
    if (this.blockOf !== buf || from < 0 || from + n > this.block.length) {
      const end = Math.min(this.windowEnd, start + BLOCK_CHARS);
      if (start + n > end) return (buf as SliceBuffer).latin1Slice(start, start + n);
      this.block = (buf as SliceBuffer).latin1Slice(start, end);
      this.blockStart = start;
      this.blockOf = buf;
      from = 0;
    }
    return this.block.slice(from, from + n);
  }

  /** A DataView over `buf`, made once per buffer (the strings of one read come from the same buffer). */
  private dataViewOf(buf: Buffer): DataView {
    if (this.viewOf !== buf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.viewOf = buf;
    }
    return this.view;
  }

  /**
   * A word of the format (an op type, attribute name or domain) of 1 to MAX_WORD_BYTES bytes at `start`: a graph
   * holds a few dozen distinct ones, each read hundreds of times. Looked up first in a direct-mapped cache keyed by
   * its length and four 4-byte reads at offsets 0, min(4, n − 4), min(8, n − 4) and n − 4, which together cover
   * every byte (for n < 4, its bytes packed into the first): equal keys are equal bytes, so a hit is exact with no
   * comparison against the pool. A miss goes to `intern` and a kept result takes the entry.
   */
  word(buf: Buffer, start: number, n: number): string {
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    if (n >= 4) {
      const view = this.dataViewOf(buf);
      const last = n - 4;
      w0 = view.getInt32(start, true);
      w1 = view.getInt32(start + (last < 4 ? last : 4), true);
      w2 = view.getInt32(start + (last < 8 ? last : 8), true);
      w3 = view.getInt32(start + last, true);
    } else {
      for (let i = n - 1; i >= 0; i--) w0 = (w0 << 8) | buf[start + i]!;
    }
    const slot = Math.imul(w0 ^ Math.imul(w3, 0x85ebca6b) ^ n, 0x9e3779b1) >>> (32 - WORD_BITS);
    const keys = this.wordKeys;
    const k = slot * WORD_ENTRY;
    if (keys[k] === n && keys[k + 1] === w0 && keys[k + 2] === w1 && keys[k + 3] === w2 && keys[k + 4] === w3) {
      this.lastId = this.wordIds[slot]!;
      return this.wordStrings[slot]!;
    }
    const s = this.intern(buf, start, n, true);
    if (this.lastId > 0) {
      keys[k] = n;
      keys[k + 1] = w0;
      keys[k + 2] = w1;
      keys[k + 3] = w2;
      keys[k + 4] = w3;
      this.wordIds[slot] = this.lastId;
      this.wordStrings[slot] = s;
    }
    return s;
  }

  /**
   * The string of the n bytes at `start` (see WireReader.string for `flat`). The bytes are tested for characters
   * that are not printable ASCII only when they are not in the table: a string found there is a kept one, which
   * passed the test when it was kept.
   */
  intern(buf: Buffer, start: number, n: number, flat: boolean): string {
    const view = this.dataViewOf(buf);
    const words = n >> 2;
    // two hash lanes (even and odd words), so consecutive multiplies do not wait on each other
    let h = n;
    let h2 = 0x2545f491;
    let k = 0;
    for (; k + 1 < words; k += 2) {
      h = Math.imul(h ^ view.getInt32(start + 4 * k, true), 0x9e3779b1);
      h2 = Math.imul(h2 ^ view.getInt32(start + 4 * k + 4, true), 0x85ebca6b);
    }
    if (k < words) h = Math.imul(h ^ view.getInt32(start + 4 * k, true), 0x9e3779b1);
    // the last 1–3 bytes, as the low bytes of a word (the pool keeps them so, zero-padded)
    let tail = 0;
    if ((n & 3) !== 0) {
      for (let i = start + 4 * words, shift = 0; i < start + n; i++, shift += 8) tail |= buf[i]! << shift;
      h2 = Math.imul(h2 ^ tail, 0x85ebca6b);
    }
    h = Math.imul(h ^ ((h2 >>> 16) | (h2 << 16)), 0x9e3779b1);
    const slots = this.slots;
    const entries = this.entries;
    const pool = this.pool;
    let slot = h >>> this.shift;
    for (let id = slots[slot]!; id !== 0; id = slots[slot]!) {
      const e = id * ENTRY;
      if (entries[e] === h && entries[e + 2] === n) {
        // the kept string's words against the bytes being read
        const from = entries[e + 1]!;
        let j = 0;
        if (LITTLE_ENDIAN) {
          // 8 bytes at a time as doubles: exact here, since a pooled string is printable ASCII, so each of its
          // 8-byte groups is a normal double (no NaN, ±0 or subnormal: those need a byte of 0x00, 0x7f or ≥ 0x80
          // at the top), equal to the group being read only when every bit is
          const pv = this.poolView;
          const pairs = words >> 1;
          while (j < pairs && pv.getFloat64(4 * from + 8 * j, true) === view.getFloat64(start + 8 * j, true)) j++;
          j *= 2;
        }
        while (j < words && pool[from + j] === view.getInt32(start + 4 * j, true)) j++;
        if (j === words && ((n & 3) === 0 || pool[from + words] === tail)) {
          this.lastId = id;
          return this.strings[id]!;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    // per byte, bit 7 of `odd` is set when the byte is not printable ASCII (below 0x20, or 0x7f and up); the
    // tail's padding bytes are made printable ('A') for the test
    let odd = 0;
    for (let j = 0; j < words; j++) odd |= oddWordBytes(view.getInt32(start + 4 * j, true));
    if ((n & 3) !== 0) odd |= oddWordBytes(tail | (0x41414141 & ~((1 << (8 * (n & 3))) - 1)));
    if ((odd & 0x80808080) !== 0) {
      // a control character, DEL, or non-ASCII: decoded as UTF-8 (invalid UTF-8 becomes U+FFFD, as
      // protobufjs decoded it) and looked at closely; only printable ASCII strings are kept
      return this.decoded(buf, start, start + n);
    }
    return this.kept(buf, start, n, h, slot, tail, flat);
  }

  /** Keeps a string not seen before in the empty slot its probe ended on: its words go to the pool. */
  private kept(buf: Buffer, start: number, n: number, h: number, slot: number, tail: number, flat: boolean): string {
    const words = n >> 2;
    const cells = (n + 3) >> 2;
    const at = this.poolUsed;
    if (at + cells > this.pool.length) this.growPool(cells);
    const pool = this.pool;
    const view = this.view;
    for (let k = 0; k < words; k++) pool[at + k] = view.getInt32(start + 4 * k, true);
    if (cells > words) pool[at + words] = tail;
    const s = flat ? (buf as SliceBuffer).latin1Slice(start, start + n) : this.sliced(buf, start, n);
    const id = ++this.count;
    const e = id * ENTRY;
    this.entries[e] = h;
    this.entries[e + 1] = at;
    this.entries[e + 2] = n;
    this.poolUsed = at + cells;
    this.strings.push(s); // at index id: numbers are given in order
    this.slots[slot] = id;
    this.lastId = id;
    if (id >= this.limit) this.grow();
    return s;
  }

  /**
   * A string the table does not keep: a node name, which as a rule no other field repeats (keeping it would
   * cost an entry, a copy of its words and a probe for nothing). Its bytes are hashed into `unkeptHash` for
   * reader.ts's clash test; `unkeptPlain` is false when it is not printable ASCII (decoded as UTF-8, where
   * different bytes may give equal strings: its hash then says nothing).
   */
  unkept(buf: Buffer, start: number, n: number): string {
    const view = this.dataViewOf(buf);
    const words = n >> 2;
    let h = n;
    let odd = 0;
    // every bit of the hash is compared (not just its top bits, as slots are chosen): the state is rotated
    // before each word, so its high bits, where a multiply gathers its input, reach the low bits too
    // (hashPrintable computes the same from a string's characters)
    for (let k = 0; k < words; k++) {
      const w = view.getInt32(start + 4 * k, true);
      odd |= oddWordBytes(w);
      h = Math.imul(((h << 15) | (h >>> 17)) ^ w, 0x9e3779b1);
    }
    for (let i = start + 4 * words; i < start + n; i++) {
      const b = buf[i]!;
      odd |= oddByte(b);
      h = Math.imul(((h << 15) | (h >>> 17)) ^ b, 0x85ebca6b);
    }
    this.unkeptHash = h ^ (h >>> 16);
    this.unkeptPlain = (odd & 0x80808080) === 0;
    if (!this.unkeptPlain) return this.decoded(buf, start, start + n);
    this.lastId = -1;
    return this.sliced(buf, start, n);
  }

  /** A string decoded without the table, noting whether it holds a character that must not print raw. */
  decoded(buf: Buffer, start: number, end: number): string {
    const s = (buf as SliceBuffer).utf8Slice(start, end);
    if (!this.controlChars && CONTROL_CHARS.test(s)) this.controlChars = true;
    this.lastId = -1;
    return s;
  }

  /** Doubles the slots (a model with more names than its size suggested); the shared storage grows with them. */
  private grow(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size);
    this.mask = size - 1;
    this.shift--;
    for (let id = 1; id <= this.count; id++) {
      let slot = this.entries[id * ENTRY]! >>> this.shift;
      while (slots[slot] !== 0) slot = (slot + 1) & this.mask;
      slots[slot] = id;
    }
    const entries = new Int32Array(ENTRY * (size / 2 + 1));
    entries.set(this.entries.subarray(0, ENTRY * (this.count + 1)));
    this.slots = shared.slots = slots;
    this.entries = shared.entries = entries;
    this.limit = size / 2;
  }

  /** Room for `cells` more words after poolUsed (the shared pool grows with it). */
  private growPool(cells: number): void {
    const bigger = new Int32Array(Math.max(this.pool.length * 2, this.poolUsed + cells));
    bigger.set(this.pool.subarray(0, this.poolUsed));
    this.pool = shared.pool = bigger;
    this.poolView = new DataView(bigger.buffer);
  }
}

/** A little-endian float32 read byte by byte (FLOAT_BYTES) and taken whole (FLOAT_WORD). */
const FLOAT_WORD = new Float32Array(1);
const FLOAT_BYTES = new Uint8Array(FLOAT_WORD.buffer);
/** FLOAT_WORD's bytes in file (little-endian) order: 0 1 2 3 on a little-endian host, 3 2 1 0 on a big-endian one. */
const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const F0 = LE ? 0 : 3;
const F1 = LE ? 1 : 2;
const F2 = LE ? 2 : 1;
const F3 = LE ? 3 : 0;

/** A damaged message inside a well-framed file (the caller turns it into BAD_MODEL with the path). */
export class WireError extends Error {}


export class WireReader {
  /** Current window; buf[i] is the byte at absolute offset base + i. */
  buf: Buffer;
  base = 0;
  /** Absolute end of the window. */
  wend: number;
  /** Absolute read position. */
  pos = 0;
  /** Bytes the next refill reads (at least). */
  private window = WINDOW_BYTES;
  /** The bytes given at construction: in file mode the file's first bytes, a window to come back to without a read. */
  private readonly head: Buffer;
  readonly size: number;
  private readonly fd: number | undefined;
  readonly file: FileIdentity | undefined;
  private readonly group: LazyGroup | undefined;
  /** Where copies of small file-mode payloads go. */
  readonly arena: ByteArena | undefined;
  /** The strings this load decoded, by bytes: a name read again (node inputs, initializers) is the same string. */
  private readonly names: StringTable;

  constructor(bytes: Uint8Array, file?: { fd: number; identity: FileIdentity }, arena?: ByteArena) {
    // a Buffer view (no copy) for its native utf8Slice
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.head = this.buf;
    this.wend = bytes.length;
    this.fd = file?.fd;
    this.file = file?.identity;
    this.size = file ? file.identity.size : bytes.length;
    this.group = file ? { ranges: [], reads: 0 } : undefined;
    this.arena = file ? (arena ?? new ByteArena(this.size)) : undefined;
    this.names = new StringTable(this.size);
    this.names.windowChanged(bytes.length);
  }

  /** Makes [pos, pos + n) readable (n ≤ size − pos). */
  need(n: number): void {
    if (this.pos + n <= this.wend && this.pos >= this.base) return;
    this.refill(n);
  }

  private refill(n: number): void {
    if (this.fd === undefined) throw new WireError(`needs ${n} bytes at byte ${this.pos} but the data ends at ${this.size}`);
    const head = this.head;
    if (this.pos + n <= head.length && this.buf !== head) {
      // back to the file's first bytes (the decoder starts over after the top-level scan read the file's end)
      this.buf = head;
      this.names.windowChanged(head.length);
      this.base = 0;
      this.wend = head.length;
      this.window = head.length;
      return;
    }
    // reading on, or past a gap short enough that reading through it costs less than the extra read a fresh
    // small window would need: the window grows; after a longer jump it starts small again
    const onward = this.pos >= this.base && this.pos <= this.wend + READ_THROUGH_BYTES;
    this.window = onward ? Math.min(this.window * 2, MAX_WINDOW_BYTES) : MIN_WINDOW_BYTES;
    const len = Math.min(Math.max(n, this.window), this.size - this.pos);
    if (len < n) throw new WireError(`needs ${n} bytes at byte ${this.pos} but the file ends at ${this.size}`);
    if (len > scratch.length && len <= MAX_KEPT_SCRATCH) scratch = Buffer.allocUnsafe(len);
    const buf = len <= scratch.length ? scratch : Buffer.allocUnsafe(len);
    const got = readFully(this.fd, buf, 0, len, this.pos);
    if (got < len) throw new WireError(`the file ended at byte ${this.pos + got} while reading`);
    this.buf = buf;
    this.names.windowChanged(len); // often the same scratch buffer, with other bytes
    this.base = this.pos;
    this.wend = this.pos + len;
  }

  /** The byte at absolute offset `p` (moves the read position there). */
  byteAt(p: number): number {
    this.pos = p;
    this.need(1);
    return this.buf[p - this.base]!;
  }

  /** Unsigned varint up to 2^53 (tags, lengths, enums); longer or unterminated varints are damage. */
  uint(end: number): number {
    // one- and two-byte varints (tags, name lengths, most message lengths) without a call, a one-byte one
    // also as the last byte of its message or window (an enum closing a message: attribute type, data type)
    const p = this.pos;
    if (p < end && p < this.wend && p >= this.base) {
      const buf = this.buf;
      const b = buf[p - this.base]!;
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
      if (p + 1 < end && p + 1 < this.wend) {
        const b2 = buf[p + 1 - this.base]!;
        if (b2 < 0x80) {
          this.pos = p + 2;
          return (b & 0x7f) | (b2 << 7);
        }
      }
    }
    return this.uintSlow(end);
  }

  private uintSlow(end: number): number {
    const avail = Math.min(10, end - this.pos);
    if (avail <= 0) throw new WireError(`a varint at byte ${this.pos} runs past the end of its message`);
    this.need(avail);
    const buf = this.buf;
    let i = this.pos - this.base;
    let b = buf[i++]!;
    if (b < 0x80) {
      this.pos++;
      return b;
    }
    let result = b & 0x7f;
    let mul = 128;
    const stop = i - 1 + avail;
    while (i < stop) {
      b = buf[i++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = this.base + i;
        return result;
      }
      mul *= 128;
    }
    throw new WireError(`a varint at byte ${this.pos} runs past the end of its message or is longer than 10 bytes`);
  }

  /** int32 field (enums, data_type, elem_type): the low 32 bits of the varint, signed. */
  int32(end: number): number {
    const small = this.oneByte(end);
    if (small >= 0) return small;
    const [lo] = this.varint64(end);
    return lo | 0;
  }

  /** A one-byte varint (0–127: most enums, dims and attribute ints) read and returned, else −1 (nothing read). */
  private oneByte(end: number): number {
    const p = this.pos;
    if (p < end && p < this.wend && p >= this.base) {
      const b = this.buf[p - this.base]!;
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    return -1;
  }

  /**
   * int64 field: a number when it is a safe integer, else a Long-like { low, high } (what tensor-data.ts's
   * int64ToNumber / int64Clamped expect from protobufjs).
   */
  int64(end: number): number | { low: number; high: number; unsigned: boolean } {
    const small = this.oneByte(end);
    if (small >= 0) return small;
    const [lo, hi] = this.varint64(end);
    const n = (hi | 0) * 0x100000000 + (lo >>> 0);
    if (Number.isSafeInteger(n)) return n;
    return { low: lo | 0, high: hi | 0, unsigned: false };
  }

  uint64(end: number): number | { low: number; high: number; unsigned: boolean } {
    const [lo, hi] = this.varint64(end);
    const n = (hi >>> 0) * 0x100000000 + (lo >>> 0);
    if (Number.isSafeInteger(n)) return n;
    return { low: lo | 0, high: hi | 0, unsigned: true };
  }

  private readonly pair: [number, number] = [0, 0];

  /** A varint as two 32-bit halves (low, high), like protobufjs's LongBits. */
  varint64(end: number): [number, number] {
    const avail = Math.min(10, end - this.pos);
    if (avail <= 0) throw new WireError(`a varint at byte ${this.pos} runs past the end of its message`);
    this.need(avail);
    const buf = this.buf;
    const start = this.pos - this.base;
    let lo = 0;
    let hi = 0;
    let i = 0;
    for (; i < avail; i++) {
      const b = buf[start + i]!;
      if (i < 4) lo |= (b & 0x7f) << (i * 7);
      else if (i === 4) {
        lo |= (b & 0x7f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (i * 7 - 32);
      if (b < 0x80) {
        this.pos += i + 1;
        this.pair[0] = lo >>> 0;
        this.pair[1] = hi >>> 0;
        return this.pair;
      }
    }
    throw new WireError(`a varint at byte ${this.pos} runs past the end of its message or is longer than 10 bytes`);
  }

  float(end: number): number {
    if (end - this.pos < 4) throw new WireError(`a float at byte ${this.pos} runs past the end of its message`);
    this.need(4);
    const i = this.pos - this.base;
    // through a 4-byte scratch word, not a DataView made per float (a packed list of floats read one by one)
    const buf = this.buf;
    FLOAT_BYTES[F0] = buf[i]!;
    FLOAT_BYTES[F1] = buf[i + 1]!;
    FLOAT_BYTES[F2] = buf[i + 2]!;
    FLOAT_BYTES[F3] = buf[i + 3]!;
    this.pos += 4;
    return FLOAT_WORD[0]!;
  }

  /** Length of a length-delimited field, checked against `end`. */
  len(end: number): number {
    const at = this.pos;
    const n = this.uint(end);
    if (n > end - this.pos) throw new WireError(`a field at byte ${at} needs ${n} bytes but its message has ${end - this.pos} left`);
    return n;
  }

  /** Reads a length and returns the absolute end of the sub-message it frames. */
  sub(end: number): number {
    const n = this.len(end);
    return this.pos + n;
  }

  /** Reads a length and skips the payload. */
  skipLen(end: number): void {
    const n = this.len(end);
    this.pos += n;
  }

  /** A length-delimited payload as a view (in memory now). */
  view(n: number): Uint8Array {
    const i = this.claim(n);
    if (this.arena) {
      // file mode: the window is reused, so the bytes are copied out
      const out = this.arena.alloc(n);
      const buf = this.buf;
      if (n <= 64) for (let k = 0; k < n; k++) out[k] = buf[i + k]!; // scales, zero points: no view to copy from
      else out.set(buf.subarray(i, i + n));
      return out;
    }
    // a plain Uint8Array view (Buffer#subarray builds a slower FastBuffer)
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + i, n);
  }

  /** A payload: in memory, a view; from a file, a copy when small, else left on disk as a LazyRange. */
  payload(n: number): Uint8Array | LazyRange {
    if (this.file && n > INLINE_PAYLOAD_BYTES) {
      const r: LazyRange = { file: this.file, offset: this.pos, length: n, group: this.group };
      this.group!.ranges.push(r);
      this.pos += n;
      return r;
    }
    return this.view(n);
  }

  /**
   * A string field of n bytes. Printable ASCII names up to MAX_INTERNED_CHARS come from the load's string
   * table (the same string object each time); others are decoded each time. Either way `controlChars`
   * notes a character that must not print raw. `flat`: the words of the format (op types, domains, attribute
   * names), which rule tables and fusion compare with their own literals: decoded on their own, not cut from a
   * block (V8 compares a sliced string with another string by content 3–4 times slower than a flat one; tensor
   * names are compared by identity, the same object).
   */
  string(n: number, flat = false): string {
    if (n === 0) {
      this.names.lastId = 0;
      return '';
    }
    const start = this.claim(n);
    if (flat && n <= MAX_WORD_BYTES) return this.names.word(this.buf, start, n);
    if (n <= MAX_INTERNED_CHARS) return this.names.intern(this.buf, start, n, flat);
    return this.names.decoded(this.buf, start, start + n);
  }

  /**
   * The number of the string last read by string(): equal numbers ≥ 1 are equal strings (the same object),
   * 0 is '', −1 a string decoded without the table (non-ASCII, a control character, or longer than
   * MAX_INTERNED_CHARS). Numbers run from 1 to `stringCount`.
   */
  get stringId(): number {
    return this.names.lastId;
  }

  /**
   * A string field of n bytes that the string table does not keep (node names): decoded on its own, with a
   * hash of its bytes (`unkeptHash`) and whether it is printable ASCII (`unkeptPlain`; when it is, equal
   * strings have equal hashes). `stringId` is −1 after it (0 for '').
   */
  unkeptString(n: number): string {
    if (n === 0) {
      this.names.lastId = 0;
      this.names.unkeptPlain = false;
      return '';
    }
    const start = this.claim(n);
    return this.names.unkept(this.buf, start, n);
  }

  get unkeptHash(): number {
    return this.names.unkeptHash;
  }

  get unkeptPlain(): boolean {
    return this.names.unkeptPlain;
  }

  get stringCount(): number {
    return this.names.count;
  }

  /** The strings numbered so far, by number (index 0 unused): the load's own array, not a copy (ask once decoding is done). */
  numberedStrings(): (string | undefined)[] {
    return this.names.keptStrings();
  }

  /** Whether no string read so far holds a control character, DEL or line separator (see StringTable). */
  get namesPrintable(): boolean {
    return !this.names.controlChars;
  }

  /** Makes the next n bytes readable and moves past them; returns where they start in `buf`. */
  private claim(n: number): number {
    if (this.pos + n > this.wend || this.pos < this.base) this.refill(n);
    const start = this.pos - this.base;
    this.pos += n;
    return start;
  }

  /** Skips a field of wire type `wire` (no reading of length-delimited payloads). */
  skip(wire: number, end: number): void {
    switch (wire) {
      case 0:
        this.varint64(end);
        return;
      case 1:
      case 5: {
        const n = wire === 1 ? 8 : 4;
        if (end - this.pos < n) throw new WireError(`a fixed-size field at byte ${this.pos} runs past the end of its message`);
        this.pos += n;
        return;
      }
      case 2:
        this.skipLen(end);
        return;
      default:
        throw new WireError(`invalid wire type ${wire} at byte ${this.pos}`);
    }
  }
}

