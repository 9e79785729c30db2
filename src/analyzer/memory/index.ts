/** Activation memory planning (issue 6; being built). */
import type { Analysis } from '../layer.ts';

export interface MemoryOptions {
  /** Graph inputs/outputs inside the activation pool (ST's default "allocate inputs/outputs"). */
  allocateIo?: boolean;
  alignmentBytes?: number;
}

/** JSON shape fixed by issue 6; filled in by the memory planner. */
export interface MemoryReport {
  planners: Record<string, unknown>;
  lowerBoundBytes: number;
}

export function planMemory(_analysis: Analysis, _opts: MemoryOptions = {}): MemoryReport | undefined {
  return undefined;
}
