import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../src/analyzer/ir.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { DeferredTensorMap, TensorTable } from '../src/analyzer/onnx/tensor-map.ts';
import { DECLARED_CONSTANT_FILE, declaredConstantBytes } from './helpers/onnx-declared-constant.ts';

const info = (name: string): TensorInfo => ({ name, dtype: 'float32', shape: [1] });

/** The same entries as a DeferredTensorMap (whose first two, 'in' and 'out', are answered unindexed) and a plain Map. */
function pair(): { deferred: DeferredTensorMap; plain: Map<string, TensorInfo> } {
  const names = ['in', 'out', 'w', 'b', 'x'];
  const infos = names.map(info);
  return { deferred: new DeferredTensorMap([...names], [...infos], [0, 1]), plain: new Map(names.map((n, i) => [n, infos[i]!])) };
}

describe('DeferredTensorMap behaves as the Map it stands for', () => {
  it('answers every read like a plain Map, before and after its index is built', () => {
    const { deferred, plain } = pair();
    expect(deferred).toBeInstanceOf(Map);
    expect(deferred.size).toBe(plain.size);
    const seen: string[] = [];
    deferred.forEach((v, k, m) => {
      expect(v).toBe(plain.get(k));
      expect(m).toBe(deferred);
      seen.push(k);
    });
    expect(seen).toEqual([...plain.keys()]);
    expect(deferred.get('in')).toBe(plain.get('in'));
    expect(deferred.get('out')).toBe(plain.get('out'));
    // a name that is not a graph input or output, an absent name: the index is built, the answers are the Map's
    expect(deferred.get('w')).toBe(plain.get('w'));
    expect(deferred.get('nope')).toBeUndefined();
    expect(Object.getPrototypeOf(deferred)).toBe(Map.prototype);
    expect([...deferred]).toEqual([...plain]);
    expect([...deferred.values()]).toEqual([...plain.values()]);
    expect(deferred.size).toBe(5);
  });

  it('has no own keys of its own: serialised and compared as a plain Map is, before and after its index is built', () => {
    const { deferred, plain } = pair();
    expect(Object.keys(deferred)).toEqual([]);
    expect(JSON.stringify(deferred)).toBe(JSON.stringify(plain));
    expect(deferred).toEqual(plain);
    deferred.has('w');
    expect(Object.keys(deferred)).toEqual([]);
    expect(deferred).toEqual(plain);
  });

  it('builds its index for has, keys, values, entries and iteration, with the insertion order', () => {
    for (const read of [
      (m: Map<string, TensorInfo>) => m.has('x'),
      (m: Map<string, TensorInfo>) => [...m.keys()],
      (m: Map<string, TensorInfo>) => [...m.values()],
      (m: Map<string, TensorInfo>) => [...m.entries()],
      (m: Map<string, TensorInfo>) => [...m],
    ]) {
      const { deferred, plain } = pair();
      expect(read(deferred)).toEqual(read(plain));
      expect(Object.getPrototypeOf(deferred)).toBe(Map.prototype);
      expect([...deferred]).toEqual([...plain]);
    }
  });

  it('takes writes like a plain Map', () => {
    const { deferred, plain } = pair();
    for (const m of [deferred, plain]) {
      m.set('b', info('b2'));
      m.set('new', info('new'));
      m.delete('w');
    }
    expect([...deferred]).toEqual([...plain]);
    const { deferred: d2 } = pair();
    d2.clear();
    expect(d2.size).toBe(0);
    expect(d2.get('in')).toBeUndefined();
  });

  it('walks on correctly when its callback changes the map mid-walk', () => {
    const { deferred, plain } = pair();
    const walk = (m: Map<string, TensorInfo>): string[] => {
      const keys: string[] = [];
      m.forEach((_, k) => {
        keys.push(k);
        if (k === 'out') {
          m.delete('b');
          m.set('late', info('late'));
        }
      });
      return keys;
    };
    expect(walk(deferred)).toEqual(walk(plain));
    expect([...deferred]).toEqual([...plain]);
  });
});

describe('TensorTable', () => {
  it('finds tensors by number, and by name when a name has none', () => {
    const t = new TensorTable(3);
    t.add('a', 1, info('a'));
    t.add('é', -1, info('é'));
    t.add('c', 3, info('c'));
    expect(t.find('a', 1)?.name).toBe('a');
    expect(t.find('b', 2)).toBeUndefined();
    expect(t.find('c', 3)?.name).toBe('c');
    expect(t.find('é', -1)?.name).toBe('é');
    expect(t.find('ü', -1)).toBeUndefined();
    expect(t.names).toEqual(['a', 'é', 'c']);
  });

  it('set replaces a tensor in its place, as Map#set does, and adds a new one at the end', () => {
    const t = new TensorTable(3);
    t.add('a', 1, info('a'));
    t.add('é', -1, info('é'));
    const a2 = { ...info('a'), dtype: 'int8' as const };
    const e2 = { ...info('é'), dtype: 'int8' as const };
    t.set('a', 1, a2);
    t.set('é', -1, e2);
    t.set('c', 3, info('c'));
    expect(t.names).toEqual(['a', 'é', 'c']);
    expect(t.infos.map((x) => x.dtype)).toEqual(['int8', 'int8', 'float32']);
    expect(t.find('a', 1)).toBe(a2);
    expect(t.find('é', -1)).toBe(e2);
  });
});

describe("a loaded graph's tensors", () => {
  it('a Constant node output declared earlier (value_info, graph output) takes the declaration\'s place, once', () => {
    const tensors = loadModelBytes(declaredConstantBytes(), DECLARED_CONSTANT_FILE).graph.tensors;
    // Map#set semantics: initializers, inputs, value_info, outputs, then Constant outputs not declared before
    expect([...tensors.keys()]).toEqual(['w', 'x', 'c2', 'z', 'c1']);
    expect(tensors.size).toBe(5);
    expect([...tensors.get('c2')!.data!.bytes]).toEqual([...new Uint8Array(new Float32Array([3]).buffer)]);
  });
});
