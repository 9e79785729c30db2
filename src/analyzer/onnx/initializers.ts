/**
 * A graph's initializers as IR tensors, each converted as the decoder meets it (wire-decode.ts calls `add`)
 * while the decoded tensor is still in cache, instead of kept as a WireTensor for a second pass in
 * reader.ts's convertGraph.
 *
 * What that second pass threw or warned about is held until convertGraph asks for it (`settle`), so a
 * damaged file's wire error still comes before any initializer's error, and messages and the order of
 * warnings are those of a conversion after decoding.
 */
import { EdgefitError } from '../errors.ts';
import type { TensorInfo } from '../ir.ts';
import { namedTensorData, type TensorContext } from './tensor-data.ts';
import type { WireTensor } from './wire-decode.ts';

export class GraphConstants {
  /** The graph's tensors by name: its initializers in file order (convertGraph adds inputs, outputs, …). */
  readonly tensors = new Map<string, TensorInfo>();
  /** Each initializer's name number (WireReader.stringId; -1 when not numbered), for graph-check's NameIds. */
  readonly nameIds: number[] = [];
  /** Initializers holding strings, which the IR does not represent (one warning each, in file order). */
  private stringNames: string[] | undefined;
  /** Initializers met so far. */
  private count = 0;
  /** Index of the first initializer without a name: its message names the graph, whose name may come later. */
  private namelessIndex = -1;
  /** The first initializer's error; once one is held (or one is nameless), later initializers are not converted. */
  private failure: unknown;
  private failed = false;

  constructor(private readonly ctx: TensorContext) {}

  add(t: WireTensor): void {
    const index = this.count++;
    if (this.failed) return;
    const name = t.name ?? '';
    if (!name) {
      this.namelessIndex = index;
      this.failed = true;
      return;
    }
    try {
      this.convert(t, name);
    } catch (e) {
      this.failure = e;
      this.failed = true;
    }
  }

  private convert(t: WireTensor, name: string): void {
    const { tensors } = this;
    if (tensors.has(name)) throw new EdgefitError('BAD_MODEL', `${this.ctx.path}: initializer '${name}' is defined twice`);
    const id = t.nameId;
    this.nameIds.push(id > 0 ? id : -1);
    const data = namedTensorData(t, 'initializer', name, this.ctx);
    if (data.dtype === 'string') (this.stringNames ??= []).push(name);
    tensors.set(name, { name, dtype: data.dtype, shape: data.shape, data });
  }

  /**
   * Throws the first initializer's error, as a conversion pass over them would have; else adds the warnings
   * for initializers holding strings to `warnings`.
   */
  settle(graphName: string, warnings: string[]): void {
    if (this.failed) {
      if (this.namelessIndex >= 0) {
        throw new EdgefitError('BAD_MODEL', `${this.ctx.path}: initializer #${this.namelessIndex} of graph '${graphName}' has no name`);
      }
      throw this.failure;
    }
    for (const name of this.stringNames ?? []) warnings.push(`initializer '${name}' holds strings, which are not represented`);
  }
}
