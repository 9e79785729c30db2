/**
 * Greedy by size, as TensorFlow Lite Micro's GreedyMemoryPlanner does
 * (tensorflow/tflite-micro, tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc): buffers sorted by
 * size, largest first (ties: earlier first use), each placed at the lowest offset where it fits beside the
 * already-placed buffers whose lifetimes intersect its own. Overlap rules are ignored: TFLM never lets a
 * layer's output share bytes with its input.
 */
import { firstFitInOrder, PlannerBase } from './planner-base.ts';

export class GreedyBySizePlanner extends PlannerBase {
  readonly name = 'greedy';

  protected computeOffsets(): number[] {
    const order = [...this.buffers].sort((a, b) => b.sizeBytes - a.sizeBytes || a.firstStep - b.firstStep || a.id - b.id);
    return firstFitInOrder(this.buffers, order, (n) => this.alignUp(n));
  }
}
