/**
 * Linear first fit: buffers taken in schedule order (first use, then larger first), each placed at the lowest
 * offset that does not collide with a live, already-placed buffer. What a simple runtime allocating as it
 * executes would do. Overlap rules are ignored.
 */
import { firstFitInOrder, PlannerBase } from './planner-base.ts';

export class LinearFirstFitPlanner extends PlannerBase {
  readonly name = 'linear';

  protected computeOffsets(): number[] {
    const order = [...this.buffers].sort((a, b) => a.firstStep - b.firstStep || b.sizeBytes - a.sizeBytes || a.id - b.id);
    return firstFitInOrder(this.buffers, order, (n) => this.alignUp(n));
  }
}
