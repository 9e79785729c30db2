/**
 * Bytes resident at each step of a schedule: the sum of the sizes of the buffers live there, a buffer live from its
 * first step to its last, both included. One sweep over a difference array (O(buffers + steps)); used by the
 * liveness (stepBytes), the lite constant folding (stepBytes after folding) and the st planner (live pressure).
 */
export interface StepInterval {
  firstStep: number;
  lastStep: number;
  sizeBytes: number;
}

export function residentBytesPerStep(buffers: readonly StepInterval[], steps: number): Float64Array {
  const delta = new Float64Array(steps + 1);
  for (const b of buffers) {
    delta[b.firstStep]! += b.sizeBytes;
    delta[b.lastStep + 1]! -= b.sizeBytes;
  }
  const resident = new Float64Array(steps);
  for (let s = 0, run = 0; s < steps; s++) resident[s] = run += delta[s]!;
  return resident;
}
