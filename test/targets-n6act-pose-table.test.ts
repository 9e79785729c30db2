/**
 * ST's complete activation-buffer table of a YOLOv8n-pose 256 Neural-ART compile (STEdgeAI 2.1, ATONN 1.1.0-31):
 * data/st-generated/n6-yolov8n-pose-256-aton-2.1-buffers.json, copied from the compile's network_c_info.json
 * (docs/targets.md "N6 activation RAM", session 9).
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

interface StBuffer {
  name: string;
  pool: string;
  offsetBytes: number;
  sizeBytes: number;
  firstEpoch: number;
  lastEpoch: number;
  format: string;
  shape: number[];
}

const record = JSON.parse(readFileSync(join(import.meta.dirname, '../data/st-generated/n6-yolov8n-pose-256-aton-2.1-buffers.json'), 'utf8')) as {
  source: string;
  stFigures: { activationsBytes: number; ioBytes: number[]; poolsUsedBytes: Record<string, number> };
  derived: { distinctAllocations: number; highWaterBytes: number; maxLiveBytes: number; maxLiveEpoch: number; liveBytesAtEpoch3: number };
  buffers: StBuffer[];
};

const VIRTUAL = 'npuRAM3_npuRAM4_npuRAM5_npuRAM6';
const POOL_BYTES = 458_752; // each npuRAM of the app2 mpool: 448 KiB, npuRAM3 first at 0x34200000
// aliases (views ST lists as separate entries) share offset, size and epochs: one allocation each
const allocations = [...new Map(record.buffers.filter((b) => b.pool === VIRTUAL).map((b) => [`${b.offsetBytes}|${b.sizeBytes}|${b.firstEpoch}|${b.lastEpoch}`, b])).values()];
const liveAt = (e: number) => allocations.filter((b) => b.firstEpoch <= e && e <= b.lastEpoch);

describe("ST's YOLOv8n-pose 256 Neural-ART buffer table (data/st-generated/n6-yolov8n-pose-256-aton-2.1-buffers.json)", () => {
  it('names its source commit and holds every activation buffer of the compile', () => {
    expect(record.source).toMatch(/^ginodecock\/fall-guard-pe@[0-9a-f]{40}:Model\/st_ai_output\/network_c_info\.json/);
    expect(record.buffers).toHaveLength(274);
    expect(allocations).toHaveLength(record.derived.distinctAllocations);
    // input and output are user-allocated (--no-inputs-allocation --no-outputs-allocation): outside the pools, ST's io sizes
    const io = record.buffers.filter((b) => b.pool.startsWith('_user_io_'));
    expect(new Set(io.map((b) => b.sizeBytes))).toEqual(new Set(record.stFigures.ioBytes));
  });

  it("reproduces ST's activation figure and per-pool used sizes from the buffers", () => {
    const highWater = Math.max(...allocations.map((b) => b.offsetBytes + b.sizeBytes));
    expect(highWater).toBe(record.stFigures.activationsBytes); // 644,032 B
    expect(highWater).toBe(record.stFigures.poolsUsedBytes[VIRTUAL]);
    // npuRAM3 covers [0, 448 KiB) of the virtual pool, npuRAM4 the next 448 KiB
    expect(Math.min(highWater, POOL_BYTES)).toBe(record.stFigures.poolsUsedBytes['npuRAM3']);
    expect(highWater - POOL_BYTES).toBe(record.stFigures.poolsUsedBytes['npuRAM4']);
  });

  it('never places two buffers at overlapping addresses while both are live (epochs inclusive at both ends)', () => {
    let clashes = 0;
    for (let i = 0; i < allocations.length; i++) {
      for (let j = i + 1; j < allocations.length; j++) {
        const [a, b] = [allocations[i]!, allocations[j]!];
        const together = a.firstEpoch <= b.lastEpoch && b.firstEpoch <= a.lastEpoch;
        const overlap = a.offsetBytes < b.offsetBytes + b.sizeBytes && b.offsetBytes < a.offsetBytes + a.sizeBytes;
        if (together && overlap) clashes++;
      }
    }
    expect(clashes).toBe(0);
  });

  it('the first SiLU leaves only its Mul output: epoch 3 holds the int8 input copy and the 128×128×16 Mul, no convolution output', () => {
    const live = liveAt(3);
    expect(live.map((b) => b.name).sort()).toEqual(['Conv2D_14_zero_off_out_1', 'Mul_18_out_0']);
    expect(live.reduce((s, b) => s + b.sizeBytes, 0)).toBe(record.derived.liveBytesAtEpoch3);
    expect(record.derived.liveBytesAtEpoch3).toBe(196_608 + 262_144);
  });

  it("ST's high-water mark is above its largest live set: the placement, not the buffers alone, makes the figure", () => {
    const epochs = Math.max(...allocations.map((b) => b.lastEpoch)) + 1;
    const live = Array.from({ length: epochs }, (_, e) => liveAt(e).reduce((s, b) => s + b.sizeBytes, 0));
    const maxLive = Math.max(...live);
    expect(maxLive).toBe(record.derived.maxLiveBytes); // 541,696 B
    expect(live.indexOf(maxLive)).toBe(record.derived.maxLiveEpoch); // epoch 89, the stride-8 pose head
    expect(record.stFigures.activationsBytes - maxLive).toBe(102_336);
    // at the peak epoch ST holds 16-bit (FORMAT_Q) head tensors whole, e.g. a 64×32×32 convolution output at 2 B per value
    const q = liveAt(record.derived.maxLiveEpoch).filter((b) => b.format === 'Q');
    expect(q.some((b) => b.sizeBytes === 64 * 32 * 32 * 2)).toBe(true);
  });
});
