/**
 * Linear first fit: buffers taken in schedule order (first use, then larger first), each placed at the lowest
 * offset that does not collide with a live, already-placed buffer. What a simple runtime allocating as it
 * executes would do. Overlap rules are ignored.
 */
import { firstFitOffset, liveTogether, PlannerBase } from './planner-base.ts';

export class LinearFirstFitPlanner extends PlannerBase {
  readonly name = 'linear';

  protected computeOffsets(): number[] {
    const order = [...this.buffers].sort((a, b) => a.firstStep - b.firstStep || b.sizeBytes - a.sizeBytes || a.id - b.id);
    const offsets = new Array<number>(this.buffers.length).fill(0);
    const placed: typeof order = [];
    for (const b of order) {
      const conflicts = placed.filter((p) => liveTogether(p, b)).map((p) => ({ offset: offsets[p.id]!, size: p.sizeBytes }));
      offsets[b.id] = firstFitOffset(b.sizeBytes, conflicts, (n) => this.alignUp(n));
      placed.push(b);
    }
    return offsets;
  }
}
