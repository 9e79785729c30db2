/**
 * Bad input to the ONNX loader: each case ends in an EdgefitError with the expected code and one line that
 * names the file, node or tensor — never a stack trace, a hang or an allocation of the declared size.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgefitError, type ErrorCode } from '../src/analyzer/errors.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder, encodeModel } from '../src/analyzer/onnx/builder.ts';
import { externalFloat32 } from './helpers/external-tensor.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `fn`, expects an EdgefitError with `code` and a one-line message matching `message`. */
function expectError(fn: () => unknown, code: ErrorCode, message: RegExp): EdgefitError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'an error is thrown').toBeInstanceOf(EdgefitError);
  const err = caught as EdgefitError;
  expect({ code: err.code, message: err.message }).toMatchObject({ code, message: expect.stringMatching(message) });
  expect(err.message).not.toContain('\n');
  expect(err.exitCode).toBe(2);
  return err;
}

/** x → Relu → y, plus whatever `extra` adds. */
function tiny(extra: (g: OnnxGraphBuilder) => void = () => {}): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder({ name: 'tiny' });
  g.input('x', 'float32', [1, 4]);
  g.node('Relu', ['x'], ['y'], {}, { name: 'relu' });
  g.output('y', 'float32', [1, 4]);
  extra(g);
  return g;
}

function writeModel(dir: string, g: OnnxGraphBuilder, file = 'model.onnx'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, g.toBytes());
  return path;
}

describe('files that are not (whole) models', () => {
  it('a missing file', () => {
    expectError(() => loadModel(join(tmp, 'nope.onnx')), 'FILE_NOT_FOUND', /nope\.onnx: no such file/);
  });

  it('a directory', () => {
    expectError(() => loadModel(tmp), 'FILE_NOT_FOUND', /is not a file/);
  });

  it('a file above the size cap, with how to raise it', () => {
    const path = writeModel(join(tmp, 'cap'), tiny());
    expectError(() => loadModel(path, { maxFileBytes: 10 }), 'FILE_TOO_LARGE', /model\.onnx has \d+ bytes, above the 10-byte file cap \(raise it with --max-file-bytes/);
  });

  it('empty, text, PNG, JSON and random bytes are not models', () => {
    let seed = 12345;
    const random = new Uint8Array(4096).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
    const cases: [string, Uint8Array][] = [
      ['empty.onnx', new Uint8Array(0)],
      ['notes.txt', new TextEncoder().encode('hello, this is a text file\n')],
      ['image.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])],
      ['model.json', new TextEncoder().encode('{"graph": {"node": []}}')],
      ['x.bin', random],
    ];
    for (const [name, bytes] of cases) {
      const path = join(tmp, name);
      writeFileSync(path, bytes);
      expectError(() => loadModel(path), 'NOT_A_MODEL', new RegExp(`${name.replace('.', '\\.')} is (empty, )?not an ONNX or TFLite model`));
    }
  });

  it('a well-formed protobuf without a graph', () => {
    const bytes = encodeModel({ irVersion: 8, producerName: 'x', opsetImport: [{ domain: '', version: 17 }] });
    expectError(() => loadModelBytes(bytes, 'nograph.onnx'), 'NOT_A_MODEL', /nograph\.onnx is not an ONNX or TFLite model: it has no graph/);
  });

  it.skipIf(!HAVE_SHARED)('a real model cut short is truncated', () => {
    const bytes = readFileSync(join(MODELS_DIR, 'onnx_public/whole_networks/mobilenetv2-7.quant.onnx'));
    for (const fraction of [0.01, 0.5, 0.9, 0.999]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * fraction));
      expectError(() => loadModelBytes(cut, 'mobilenetv2-7.quant.onnx'), 'TRUNCATED', /mobilenetv2-7\.quant\.onnx is truncated: the \w+ field \(\d+\) at byte \d+ needs \d+ bytes/);
    }
  });

  it('a builder model cut at every byte is truncated or refused, never a crash', () => {
    const bytes = tiny((g) => g.initializer('w', 'float32', [4], [1, 2, 3, 4])).toBytes();
    const codes = new Set<string>();
    for (let n = 1; n < bytes.length; n++) {
      try {
        loadModelBytes(bytes.subarray(0, n), 'cut.onnx');
        codes.add('ok');
      } catch (e) {
        expect(e).toBeInstanceOf(EdgefitError);
        codes.add((e as EdgefitError).code);
      }
    }
    expect(codes.has('TRUNCATED')).toBe(true);
    for (const c of codes) expect(['TRUNCATED', 'NOT_A_MODEL', 'BAD_MODEL', 'ok']).toContain(c);
  });
});

describe('invalid graphs', () => {
  it('a cycle, naming the nodes', () => {
    const g = new OnnxGraphBuilder();
    g.input('x', 'float32', [1]);
    g.node('Add', ['x', 'c'], ['a'], {}, { name: 'a' });
    g.node('Relu', ['a'], ['b'], {}, { name: 'b' });
    g.node('Relu', ['b'], ['c'], {}, { name: 'c' });
    g.output('c', 'float32', [1]);
    expectError(() => loadModelBytes(g.toBytes(), 'cycle.onnx'), 'BAD_MODEL', /^cycle\.onnx: cycle through nodes 'a' → 'b' → 'c' → 'a'$/);
  });

  it('a node reading a tensor nobody produces', () => {
    const g = tiny((b) => {
      b.node('Add', ['y', 'x7'], ['z'], {}, { name: 'conv3' });
      b.output('z', 'float32', [1, 4]);
    });
    expectError(() => loadModelBytes(g.toBytes(), 'dangling.onnx'), 'BAD_MODEL', /^dangling\.onnx: node 'conv3' reads 'x7', which no node produces and is not a graph input$/);
  });

  it('names holding newlines are shown escaped, huge names cut, so the message stays one line', () => {
    const g = tiny((b) => {
      b.node('Add', ['y', 'evil\nname'], ['z'], {}, { name: `n${'x'.repeat(5000)}` });
      b.output('z', 'float32', [1, 4]);
    });
    const err = expectError(() => loadModelBytes(g.toBytes(), 'nl.onnx'), 'BAD_MODEL', /^nl\.onnx: node 'nxxx.*…/);
    expect(err.message.length).toBeLessThan(400);
    const short = tiny((b) => {
      b.node('Add', ['y', 'evil\nname'], ['z'], {}, { name: 'add' });
      b.output('z', 'float32', [1, 4]);
    });
    expectError(() => loadModelBytes(short.toBytes(), 'nl.onnx'), 'BAD_MODEL', /node 'add' reads 'evil\\nname', which no node produces/);
  });

  it('a graph output nobody produces', () => {
    const g = tiny((b) => b.output('ghost', 'float32', [1]));
    expectError(() => loadModelBytes(g.toBytes(), 'ghost.onnx'), 'BAD_MODEL', /graph output 'ghost' is not produced by any node/);
  });

  it('a tensor produced twice, or produced while being an input or an initializer', () => {
    const twice = tiny((b) => b.node('Sigmoid', ['x'], ['y'], {}, { name: 'sig' }));
    expectError(() => loadModelBytes(twice.toBytes(), 'dup.onnx'), 'BAD_MODEL', /tensor 'y' is produced by both node 'relu' and node 'sig'/);
    const overInput = tiny((b) => b.node('Sigmoid', ['y'], ['x'], {}, { name: 'sig' }));
    expectError(() => loadModelBytes(overInput.toBytes(), 'dup.onnx'), 'BAD_MODEL', /node 'sig' produces 'x', which is also a graph input/);
    const overInit = tiny((b) => {
      b.initializer('w', 'float32', [1], [1]);
      b.node('Sigmoid', ['y'], ['w'], {}, { name: 'sig' });
    });
    expectError(() => loadModelBytes(overInit.toBytes(), 'dup.onnx'), 'BAD_MODEL', /node 'sig' produces 'w', which is also a constant/);
    const twoInits = tiny((b) => {
      b.initializer('w', 'float32', [1], [1]);
      b.initializer('w', 'float32', [1], [2]);
    });
    expectError(() => loadModelBytes(twoInits.toBytes(), 'dup.onnx'), 'BAD_MODEL', /initializer 'w' is defined twice/);
  });

  it('a Constant node without a value, and a sparse one', () => {
    const empty = tiny((b) => b.node('Constant', [], ['k'], {}, { name: 'k0' }));
    expectError(() => loadModelBytes(empty.toBytes(), 'k.onnx'), 'BAD_MODEL', /Constant node 'k0' has no value attribute/);
    const sparse = tiny((b) => b.node('Constant', [], ['k'], {}, { name: 'k0' }));
    const proto = sparse.toProto();
    proto.graph!.node![1]!.attribute = [{ name: 'sparse_value', type: 11, sparseTensor: { dims: [4] } }];
    expectError(() => loadModelBytes(encodeModel(proto), 'k.onnx'), 'UNSUPPORTED', /Constant node 'k0' holds a sparse tensor/);
  });
});

describe('dims and sizes', () => {
  it('dims whose product overflows 2^53, negative dims, dims beyond 2^53', () => {
    const product = tiny((b) => b.rawInitializer({ name: 'w', dataType: 1, dims: [2 ** 30, 2 ** 30, 2 ** 30] }));
    expectError(() => loadModelBytes(product.toBytes(), 'big.onnx'), 'DIM_OVERFLOW', /big\.onnx: initializer 'w' has dims \[1073741824, 1073741824, 1073741824\] whose product overflows 2\^53/);
    const negative = tiny((b) => b.rawInitializer({ name: 'w', dataType: 1, dims: [4, -1] }));
    expectError(() => loadModelBytes(negative.toBytes(), 'neg.onnx'), 'DIM_OVERFLOW', /initializer 'w' has a negative dim -1/);
    const input = new OnnxGraphBuilder();
    input.input('x', 'float32', [1, 2n ** 60n]);
    input.node('Relu', ['x'], ['y']);
    input.output('y', 'float32', null);
    expectError(() => loadModelBytes(input.toBytes(), 'in.onnx'), 'DIM_OVERFLOW', /graph input 'x' has a dim beyond 2\^53/);
    const product2 = new OnnxGraphBuilder();
    product2.input('x', 'float32', [2 ** 40, 2 ** 40]);
    product2.node('Relu', ['x'], ['y']);
    product2.output('y', 'float32', null);
    expectError(() => loadModelBytes(product2.toBytes(), 'in.onnx'), 'DIM_OVERFLOW', /graph input 'x' has dims whose product overflows 2\^53/);
  });

  it('a tensor above the cap, checked before allocating, with how to raise it', () => {
    const g = tiny((b) => b.initializer('w', 'float32', [1000], new Float32Array(1000)));
    expectError(() => loadModelBytes(g.toBytes(), 'cap.onnx', { maxTensorBytes: 1000 }), 'LIMIT', /cap\.onnx: initializer 'w' needs 4000 bytes, above the 1000-byte tensor cap \(raise it with --max-tensor-bytes/);
    expect(loadModelBytes(g.toBytes(), 'cap.onnx', { maxTensorBytes: 4000 }).graph.tensors.get('w')!.data!.bytes.length).toBe(4000);
    // 4 TiB declared in typed fields that hold nothing: refused by the default 1 GiB cap, nothing allocated
    const huge = tiny((b) => b.rawInitializer({ name: 'huge', dataType: 1, dims: [2 ** 20, 2 ** 20] }));
    expectError(() => loadModelBytes(huge.toBytes(), 'huge.onnx'), 'LIMIT', /initializer 'huge' needs 4398046511104 bytes, above the 1073741824-byte tensor cap/);
  });

  it('raw data that disagrees with the dims, typed data of the wrong length, an unknown data type', () => {
    const short = tiny((b) => b.rawInitializer({ name: 'w', dataType: 1, dims: [4], rawData: new Uint8Array(12) }));
    expectError(() => loadModelBytes(short.toBytes(), 'r.onnx'), 'BAD_MODEL', /initializer 'w' holds 12 bytes of raw data but its dims \[4\] of float32 need 16/);
    const typed = tiny((b) => b.rawInitializer({ name: 'w', dataType: 3, dims: [4], int32Data: [1, 2] }));
    expectError(() => loadModelBytes(typed.toBytes(), 't.onnx'), 'BAD_MODEL', /initializer 'w' has 2 values in int32_data \(and no raw_data\) but its dims \[4\] need 4/);
    const unknown = tiny((b) => b.rawInitializer({ name: 'w', dataType: 99, dims: [1], rawData: new Uint8Array(1) }));
    expectError(() => loadModelBytes(unknown.toBytes(), 'u.onnx'), 'BAD_MODEL', /initializer 'w' has an unknown ONNX data type 99/);
  });
});

describe('external data', () => {
  function external(location: string, length = 16): OnnxGraphBuilder {
    return tiny((b) => b.rawInitializer(externalFloat32('w', [4], location, 0, length)));
  }

  it('refuses an absolute location', () => {
    const path = writeModel(join(tmp, 'abs'), external('/etc/passwd'));
    expectError(() => loadModel(path), 'UNSAFE_PATH', /model\.onnx: initializer 'w': external data location "\/etc\/passwd" is absolute/);
  });

  it("refuses a location with a '..' segment, even one that would land inside", () => {
    writeFileSync(join(tmp, 'outside.bin'), new Uint8Array(16));
    const path = writeModel(join(tmp, 'dots'), external('../outside.bin'));
    expectError(() => loadModel(path), 'UNSAFE_PATH', /external data location "\.\.\/outside\.bin" contains '\.\.'/);
    mkdirSync(join(tmp, 'dots', 'sub'), { recursive: true });
    writeFileSync(join(tmp, 'dots', 'in.bin'), new Uint8Array(16));
    const inside = writeModel(join(tmp, 'dots'), external('sub/../in.bin'), 'm2.onnx');
    expectError(() => loadModel(inside), 'UNSAFE_PATH', /"sub\/\.\.\/in\.bin" contains '\.\.'/);
  });

  it('refuses a symlink (file or folder) that leads outside the model folder', () => {
    const secret = join(tmp, 'secret.bin');
    writeFileSync(secret, new Uint8Array(16));
    const dir = join(tmp, 'links');
    mkdirSync(join(dir), { recursive: true });
    symlinkSync(secret, join(dir, 'weights.bin'));
    symlinkSync(tmp, join(dir, 'up'));
    const viaFile = writeModel(dir, external('weights.bin'), 'a.onnx');
    expectError(() => loadModel(viaFile), 'UNSAFE_PATH', /external data location "weights\.bin" resolves to .*secret\.bin, outside the model's folder/);
    const viaDir = writeModel(dir, external('up/secret.bin'), 'b.onnx');
    expectError(() => loadModel(viaDir), 'UNSAFE_PATH', /"up\/secret\.bin" resolves to .*outside the model's folder/);
    // a symlink that stays inside is fine
    writeFileSync(join(dir, 'real.bin'), new Uint8Array(16));
    symlinkSync(join(dir, 'real.bin'), join(dir, 'alias.bin'));
    expect(loadModel(writeModel(dir, external('alias.bin'), 'c.onnx')).graph.tensors.get('w')!.data!.origin).toBe('external');
  });

  it('a missing file, a short file, a length that disagrees, a folder as data, bytes without a folder', () => {
    const dir = join(tmp, 'missing');
    const missing = writeModel(dir, external('weights.bin'));
    expectError(() => loadModel(missing), 'EXTERNAL_DATA', /model\.onnx: initializer 'w': external data file "weights\.bin" not found in /);
    writeFileSync(join(dir, 'short.bin'), new Uint8Array(10));
    const short = writeModel(dir, external('short.bin'), 's.onnx');
    expectError(() => loadModel(short), 'EXTERNAL_DATA', /initializer 'w': external data file "short\.bin" has 10 bytes, too short for 16 bytes at offset 0/);
    writeFileSync(join(dir, 'ok.bin'), new Uint8Array(64));
    const wrongLength = writeModel(dir, external('ok.bin', 8), 'l.onnx');
    expectError(() => loadModel(wrongLength), 'EXTERNAL_DATA', /external data length 8 in "ok\.bin" disagrees with the 16 bytes its dims need/);
    mkdirSync(join(dir, 'folder'), { recursive: true });
    const folder = writeModel(dir, external('folder'), 'f.onnx');
    expectError(() => loadModel(folder), 'EXTERNAL_DATA', /external data "folder" is not a regular file/);
    expect(loadModel(writeModel(dir, external('ok.bin'), 'good.onnx')).graph.tensors.get('w')!.data!.bytes.length).toBe(16);
  });

  it('a huge external tensor is refused by the cap before the file is touched', () => {
    const g = tiny((b) =>
      b.rawInitializer({ name: 'w', dataType: 1, dims: [2 ** 20, 2 ** 20], dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] }),
    );
    const path = writeModel(join(tmp, 'hugeext'), g);
    expectError(() => loadModel(path), 'LIMIT', /initializer 'w' needs 4398046511104 bytes/);
  });
});
