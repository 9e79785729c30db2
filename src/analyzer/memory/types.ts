/**
 * Types shared by the memory planners. A planner sees buffers only (size, first step, last step) and,
 * optionally, overlap rules between a layer's output and the input it consumes; it never sees layers.
 */

/** What a buffer holds. */
export type BufferKind = 'input' | 'output' | 'activation' | 'scratch';

/**
 * A layer's output may share bytes with an input that dies at that layer, because the kernel reads the input
 * before it overwrites it (see docs/memory.md "Overlap rules"). With d = offset(output) − offset(input):
 * - `forwardDeltaBytes` F: the kernel can walk both tensors from low to high addresses; safe when d ≤ F.
 * - `backwardDeltaBytes` B: the kernel can walk both from high to low addresses; safe when d ≥ B.
 * A missing bound means that direction is not available. Disjoint placements are always safe.
 */
export interface OverlapRule {
  outputId: number;
  inputId: number;
  forwardDeltaBytes?: number;
  backwardDeltaBytes?: number;
}

/**
 * TensorFlow Lite Micro's planner interface (micro/memory_planner/micro_memory_planner.h): add buffers with
 * their lifetime, then ask offsets and the arena size. Steps are schedule positions, both ends inclusive.
 */
export interface MemoryPlanner {
  readonly name: string;
  addBuffer(sizeBytes: number, firstStep: number, lastStep: number): number;
  /** Declares a safe output/input overlap. Planners that cannot use it keep the two buffers disjoint. */
  addOverlapRule?(rule: OverlapRule): void;
  offsetOf(id: number): number;
  arenaBytes(): number;
}

export interface PlannerOptions {
  /** Every offset is a multiple of this (bytes, ≥ 1). */
  alignmentBytes?: number;
}

/** One buffer of a liveness analysis. */
export interface LiveBuffer {
  /** Tensor name, or `<layer>#scratch` for a kernel scratch buffer. */
  name: string;
  kind: BufferKind;
  sizeBytes: number;
  /** Schedule positions, inclusive: written at firstStep, last read at lastStep. */
  firstStep: number;
  lastStep: number;
  /** Tensor names sharing this buffer (views such as Reshape alias their input). */
  aliases: string[];
  /**
   * Index (in the same buffer list) of the buffer this one is placed directly after when that spot is free (the
   * st plan only: ST's RGB-conv scratch after its input, overlap-rules.ts `stScratchFollowsInput`).
   */
  placeAfter?: number;
}

/** A buffer as placed by a planner (the JSON `buffers` entries). */
export interface PlacedBuffer {
  name: string;
  kind: BufferKind;
  sizeBytes: number;
  offsetBytes: number;
  firstStep: number;
  lastStep: number;
}
