/**
 * The ONNX reader's tensor table: tensors gathered by name number while a graph is converted (duplicates found
 * by number, no string hashed), handed to the IR as a `Map` whose hash index is built on first keyed use.
 *
 * Why: V8 hashes a string the first time it is a Map key (every character, ~1 ns each; cached in the string
 * after that). A loaded YOLO graph holds ~2,000 fresh ~50-character names, and hashing them was ~5 % of load +
 * shape inference, which reads the tensors in order (forEach) and by name only for the graph inputs. The
 * reader's own duplicate tests are by the string table's numbers (equal numbers are equal names).
 */
import type { TensorInfo } from '../ir.ts';
import { objectArray } from './push-arrays.ts';

/**
 * Tensors by name as gathered by the reader: in insertion order (`names`, `infos`), found by name number
 * (`id` ≥ 1, the reader's string table) or, for a name the table did not number (id ≤ 0: non-ASCII, a control
 * character, longer than the table keeps), by the string in a Map. A numbered name never equals an unnumbered
 * one (numbered names are printable ASCII of at most 256 characters; the others are not), so the two never miss
 * each other.
 */
export class TensorTable {
  readonly names: string[] = objectArray();
  readonly infos: TensorInfo[] = objectArray();
  /** Index + 1 into names/infos, by name number. */
  private readonly byId: Int32Array;
  /** Index by name, for unnumbered names (made for the first). */
  private byName: Map<string, number> | undefined;

  /** `idCount`: the reader numbered its strings 1 … idCount. */
  constructor(idCount: number) {
    this.byId = new Int32Array(idCount + 1);
  }

  /** The tensor named `name` (numbered `id`), if added. */
  find(name: string, id: number): TensorInfo | undefined {
    if (id > 0 && id < this.byId.length) {
      const at = this.byId[id]!;
      return at === 0 ? undefined : this.infos[at - 1];
    }
    const at = this.byName?.get(name);
    return at === undefined ? undefined : this.infos[at];
  }

  /**
   * Map#set: a tensor already added gets `info` in its place (its position in the order stays), another is
   * added at the end.
   */
  set(name: string, id: number, info: TensorInfo): void {
    const at = id > 0 ? (id < this.byId.length ? this.byId[id]! - 1 : -1) : (this.byName?.get(name) ?? -1);
    if (at >= 0) this.infos[at] = info;
    else this.add(name, id, info);
  }

  /** Adds a tensor not added before (the caller checked with `find`). */
  add(name: string, id: number, info: TensorInfo): void {
    const at = this.names.length;
    this.names.push(name);
    this.infos.push(info);
    if (id > 0 && id < this.byId.length) this.byId[id] = at + 1;
    else (this.byName ??= new Map()).set(name, at);
  }
}

/**
 * A Map of tensors by name whose hash index is built when first needed: until then it holds the entries as two
 * arrays in insertion order. `forEach` and `size` read the arrays; `get` of one of the few names given as
 * `direct` (the graph's inputs and outputs, which shape inference looks up) compares names; every other use
 * (get/has of another name, set, delete, clear, keys/values/entries/iteration) first builds the ordinary Map
 * (same entries, same order) and from then on the object is a plain Map (its prototype is Map.prototype again).
 * Entries are distinct by construction (TensorTable).
 */
export class DeferredTensorMap extends Map<string, TensorInfo> {
  // private fields: no own keys, so Object.keys, JSON and equality checks see what they see on a plain Map
  #pendingNames: string[] | undefined;
  #pendingInfos: TensorInfo[] | undefined;
  /** Indexes into the pending arrays answered by `get` without the index. */
  #direct: number[] | undefined;

  constructor(names: string[], infos: TensorInfo[], direct: number[]) {
    super();
    this.#pendingNames = names;
    this.#pendingInfos = infos;
    this.#direct = direct;
  }

  /** Builds the index (the ordinary Map) and turns this object into a plain Map. */
  private build(): void {
    const names = this.#pendingNames;
    const infos = this.#pendingInfos;
    if (names === undefined || infos === undefined) return;
    this.#pendingNames = undefined;
    this.#pendingInfos = undefined;
    this.#direct = undefined;
    for (let i = 0; i < names.length; i++) Map.prototype.set.call(this, names[i]!, infos[i]!);
    Object.setPrototypeOf(this, Map.prototype);
  }

  override get(key: string): TensorInfo | undefined {
    const names = this.#pendingNames;
    if (names !== undefined) {
      const direct = this.#direct!;
      for (let k = 0; k < direct.length; k++) {
        const i = direct[k]!;
        if (names[i] === key) return this.#pendingInfos![i];
      }
      this.build();
    }
    return Map.prototype.get.call(this, key) as TensorInfo | undefined;
  }

  override has(key: string): boolean {
    this.build();
    return Map.prototype.has.call(this, key);
  }

  override set(key: string, value: TensorInfo): this {
    this.build();
    Map.prototype.set.call(this, key, value);
    return this;
  }

  override delete(key: string): boolean {
    this.build();
    return Map.prototype.delete.call(this, key);
  }

  override clear(): void {
    this.build();
    Map.prototype.clear.call(this);
  }

  override get size(): number {
    const names = this.#pendingNames;
    return names !== undefined ? names.length : (Reflect.get(Map.prototype, 'size', this) as number);
  }

  /**
   * In insertion order, as Map#forEach. Small, so that V8 can inline it and the callback into the caller (as it
   * does Map#forEach); the rare cases are functions of their own. A callback that changes the map while the
   * entries are still pending builds the index; the walk then goes on over the Map itself after the entries
   * already visited (Map#forEach's semantics for entries added during the walk; entries deleted are skipped).
   */
  override forEach(callback: (value: TensorInfo, key: string, map: Map<string, TensorInfo>) => void, thisArg?: unknown): void {
    const names = this.#pendingNames;
    const infos = this.#pendingInfos;
    if (names === undefined || infos === undefined || thisArg !== undefined) {
      forEachSlowly(this, names, infos, callback, thisArg);
      return;
    }
    const n = names.length;
    for (let i = 0; i < n; i++) {
      callback(infos[i]!, names[i]!, this);
      if (this.#pendingNames === undefined) {
        walkAfter(this, names, i + 1, callback, thisArg);
        return;
      }
    }
  }

  /** Whether the entries are still pending (the index not built). */
  get pending(): boolean {
    return this.#pendingNames !== undefined;
  }

  override keys(): MapIterator<string> {
    this.build();
    return Map.prototype.keys.call(this) as MapIterator<string>;
  }

  override values(): MapIterator<TensorInfo> {
    this.build();
    return Map.prototype.values.call(this) as MapIterator<TensorInfo>;
  }

  override entries(): MapIterator<[string, TensorInfo]> {
    this.build();
    return Map.prototype.entries.call(this) as MapIterator<[string, TensorInfo]>;
  }

  override [Symbol.iterator](): MapIterator<[string, TensorInfo]> {
    return this.entries();
  }
}

type TensorCallback = (value: TensorInfo, key: string, map: Map<string, TensorInfo>) => void;

/** forEach with a thisArg, or on a map whose index is built. */
function forEachSlowly(
  map: DeferredTensorMap,
  names: string[] | undefined,
  infos: TensorInfo[] | undefined,
  callback: TensorCallback,
  thisArg: unknown,
): void {
  if (names === undefined || infos === undefined) {
    Map.prototype.forEach.call(map, callback as (v: unknown, k: unknown, m: Map<unknown, unknown>) => void, thisArg);
    return;
  }
  for (let i = 0; i < names.length; i++) {
    callback.call(thisArg, infos[i]!, names[i]!, map);
    if (!map.pending) {
      walkAfter(map, names, i + 1, callback, thisArg);
      return;
    }
  }
}

/** The rest of a walk whose callback built the index: what the Map holds beyond the first `visited` names given. */
function walkAfter(map: Map<string, TensorInfo>, names: string[], visited: number, callback: TensorCallback, thisArg: unknown): void {
  const seen = new Set<string>(names.slice(0, visited));
  Map.prototype.forEach.call(map, (v: unknown, k: unknown) => {
    if (!seen.has(k as string)) callback.call(thisArg, v as TensorInfo, k as string, map);
  });
}

// It stands for a Map: code that asks what made it (equality checks, `new m.constructor()`) gets Map, as it does
// once the index is built and the object is a plain Map.
Object.defineProperty(DeferredTensorMap.prototype, 'constructor', { value: Map, writable: true, configurable: true, enumerable: false });
