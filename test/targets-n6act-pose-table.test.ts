/**
 * ST's complete activation-buffer tables of two Neural-ART compiles (STEdgeAI 2.1, ATONN 1.1.0-31, the same app pool
 * file, I/O user-allocated): a YOLOv8n-pose 256 (data/st-generated/n6-yolov8n-pose-256-aton-2.1-buffers.json) and an
 * SSD MobileNet v1 256 (n6-ssd-mobilenet-v1-256-fallguard-aton-2.1-buffers.json), each copied from the compile's
 * network_c_info.json (docs/targets.md "N6 activation RAM", session 9).
 *
 * Oracle: ST's own summary figures of the same compile (c_info memory_footprint.activations and the per-pool
 * used_size_bytes), which the record copies separately from the buffers. The buffers must reproduce them: the
 * virtual pool's highest byte is the activation figure, and a virtual-pool buffer counts in the used range of each
 * physical pool it covers (the convention neuralArtPoolPlan follows). The record also carries what docs/targets.md
 * reads off it (the first SiLU leaves only its Mul output; ST's placement leaves its high-water mark above its
 * largest live set); those statements are checked on the buffers here, not on our planner.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AtonBuffer } from './helpers/aton-buffer.ts';

interface BufferRecord {
  source: string;
  stFigures: { activationsBytes: number; ioBytes: number[]; poolsUsedBytes: Record<string, number> };
  derived: { distinctAllocations: number; highWaterBytes: number; maxLiveBytes: number; maxLiveEpoch: number; liveBytesAtEpoch3?: number };
  buffers: AtonBuffer[];
}
const load = (file: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../data/st-generated', file), 'utf8')) as BufferRecord;

const VIRTUAL = 'npuRAM3_npuRAM4_npuRAM5_npuRAM6';
const POOL_BYTES = 458_752; // each npuRAM of the app2 mpool: 448 KiB, npuRAM3 first at 0x34200000
// aliases (views ST lists as separate entries) share offset, size and epochs: one allocation each
const allocationsOf = (r: BufferRecord) => [...new Map(r.buffers.filter((b) => b.pool === VIRTUAL).map((b) => [`${b.offsetBytes}|${b.sizeBytes}|${b.firstEpoch}|${b.lastEpoch}`, b])).values()];
const liveBytes = (allocs: AtonBuffer[]) => {
  const epochs = Math.max(...allocs.map((b) => b.lastEpoch)) + 1;
  return Array.from({ length: epochs }, (_, e) => allocs.filter((b) => b.firstEpoch <= e && e <= b.lastEpoch).reduce((s, b) => s + b.sizeBytes, 0));
};

const record = load('n6-yolov8n-pose-256-aton-2.1-buffers.json');
const allocations = allocationsOf(record);
const liveAt = (e: number) => allocations.filter((b) => b.firstEpoch <= e && e <= b.lastEpoch);

describe.each([
  ['n6-yolov8n-pose-256-aton-2.1-buffers.json', /^ginodecock\/fall-guard-pe@[0-9a-f]{40}:Model\/st_ai_output\/network_c_info\.json/],
  ['n6-ssd-mobilenet-v1-256-fallguard-aton-2.1-buffers.json', /^ginodecock\/fall-guard-od@[0-9a-f]{40}:Model\/st_ai_output\/network_c_info\.json/],
])("ST's Neural-ART buffer table %s", (file, source) => {
  const r = load(file);
  const allocs = allocationsOf(r);
  it('names its source commit', () => expect(r.source).toMatch(source));

  it("reproduces ST's activation figure and per-pool used sizes from the buffers (a virtual-pool buffer counts in each pool it covers)", () => {
    const highWater = Math.max(...allocs.map((b) => b.offsetBytes + b.sizeBytes));
    expect(allocs).toHaveLength(r.derived.distinctAllocations);
    expect(highWater).toBe(r.stFigures.activationsBytes);
    expect(highWater).toBe(r.stFigures.poolsUsedBytes[VIRTUAL]);
    expect(highWater).toBe(r.derived.highWaterBytes);
    expect(Math.min(highWater, POOL_BYTES)).toBe(r.stFigures.poolsUsedBytes['npuRAM3']);
    expect(highWater - POOL_BYTES).toBe(r.stFigures.poolsUsedBytes['npuRAM4']);
  });

  it('never places two buffers at overlapping addresses while both are live (epochs inclusive at both ends)', () => {
    let clashes = 0;
    for (let i = 0; i < allocs.length; i++) {
      for (let j = i + 1; j < allocs.length; j++) {
        const [a, b] = [allocs[i]!, allocs[j]!];
        const together = a.firstEpoch <= b.lastEpoch && b.firstEpoch <= a.lastEpoch;
        const overlap = a.offsetBytes < b.offsetBytes + b.sizeBytes && b.offsetBytes < a.offsetBytes + a.sizeBytes;
        if (together && overlap) clashes++;
      }
    }
    expect(clashes).toBe(0);
  });

  it('carries its largest live set as derived', () => {
    const live = liveBytes(allocs);
    expect(Math.max(...live)).toBe(r.derived.maxLiveBytes);
    expect(live.indexOf(r.derived.maxLiveBytes)).toBe(r.derived.maxLiveEpoch);
  });
});

describe("ST's YOLOv8n-pose 256 Neural-ART buffer table (data/st-generated/n6-yolov8n-pose-256-aton-2.1-buffers.json)", () => {
  it('holds every activation buffer of the compile', () => {
    expect(record.buffers).toHaveLength(274);
    expect(allocations).toHaveLength(record.derived.distinctAllocations);
    // input and output are user-allocated (--no-inputs-allocation --no-outputs-allocation): outside the pools, ST's io sizes
    const io = record.buffers.filter((b) => b.pool.startsWith('_user_io_'));
    expect(new Set(io.map((b) => b.sizeBytes))).toEqual(new Set(record.stFigures.ioBytes));
  });

  it('the first SiLU leaves only its Mul output: epoch 3 holds the input copied into the pool and the 128×128×16 Mul, no convolution output', () => {
    const live = liveAt(3);
    expect(live.map((b) => b.name).sort()).toEqual(['Conv2D_14_zero_off_out_1', 'Mul_18_out_0']);
    expect(live.reduce((s, b) => s + b.sizeBytes, 0)).toBe(record.derived.liveBytesAtEpoch3);
    expect(record.derived.liveBytesAtEpoch3).toBe(196_608 + 262_144);
  });

  it("ST's high-water mark is above its largest live set: the placement, not the buffers alone, makes the figure", () => {
    const maxLive = Math.max(...liveBytes(allocations));
    expect(record.derived.maxLiveEpoch).toBe(89); // the stride-8 pose head
    expect(record.stFigures.activationsBytes - maxLive).toBe(102_336); // 644,032 − 541,696
    // at the peak epoch ST holds 16-bit (FORMAT_Q) head tensors whole, e.g. a 64×32×32 convolution output at 2 B per value
    const q = liveAt(record.derived.maxLiveEpoch).filter((b) => b.format === 'Q');
    expect(q.some((b) => b.sizeBytes === 64 * 32 * 32 * 2)).toBe(true);
  });
});

describe("ST's SSD MobileNet v1 256 Neural-ART buffer table (n6-ssd-mobilenet-v1-256-fallguard-aton-2.1-buffers.json)", () => {
  const ssd = load('n6-ssd-mobilenet-v1-256-fallguard-aton-2.1-buffers.json');
  const allocs = allocationsOf(ssd);
  it('peaks at the 8→16 pointwise convolution: its output held whole in 16 bit (twice the int8 tensor) beside the next layer\'s uint8 output', () => {
    const e = ssd.derived.maxLiveEpoch;
    const live = allocs.filter((b) => b.firstEpoch <= e && e <= b.lastEpoch);
    const q = live.find((b) => b.format === 'Q');
    expect(q?.shape).toEqual([1, 16, 128, 128]);
    expect(q?.sizeBytes).toBe(2 * 16 * 128 * 128);
    expect(live.some((b) => b.format === 'U8' && b.name.includes('zero_off') && b.sizeBytes === 16 * 128 * 128)).toBe(true);
    // here ST's placement is tight: the figure is its largest live set
    expect(ssd.derived.maxLiveBytes).toBe(ssd.stFigures.activationsBytes);
  });
});
