/**
 * Strings read from a model file never drive the terminal or fake output lines: names, the producer, an unknown
 * op's type and domain, a TFLite custom code and description, all holding terminal escapes (clear screen, window
 * title, OSC 8 hyperlink), CR/BS/NUL, C1 controls, bidi overrides, zero-width characters and a newline before a
 * fake line. Each command runs as a user runs it (`node bin/edgefit.js`); stdout and stderr must hold none of
 * those characters raw, JSON must parse, the names must still be shown (escaped), and an error stays one line,
 * bounded even when it quotes a name of a megabyte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel, OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { BuiltinOperator } from '../src/analyzer/tflite/gen/tflite/builtin-operator.ts';
import { RAW_UNSAFE, TERMINAL_ATTACK, buildTflite } from './robust-files.ts';
import { runAll, type CliRun } from './robustness-cli.ts';

const H = TERMINAL_ATTACK;
let dir: string;
let runs: Record<string, CliRun>;

function hostileOnnx(path: string): void {
  const n = (s: string) => `${s}${H}`;
  const b = new OnnxGraphBuilder({ name: n('graph'), producer: n('prod') });
  b.input(n('x'), 'float32', [1, 3, 8, 8]);
  b.initializer(n('w'), 'float32', [4, 3, 3, 3], new Float32Array(108).fill(0.1));
  b.node('Conv', [n('x'), n('w')], [n('c')], { pads: [1, 1, 1, 1] }, { name: n('conv') });
  b.node(n('Weird'), [n('c')], [n('u')], {}, { name: n('unk'), domain: n('dom') });
  b.node('Relu', [n('u')], [n('y')], {}, { name: n('relu') });
  b.output(n('y'), 'float32', [1, 4, 8, 8]);
  const proto = b.toProto();
  proto.docString = n('doc');
  proto.producerVersion = n('1.0');
  proto.metadataProps = [{ key: n('k'), value: n('v') }];
  writeFileSync(path, encodeModel(proto));
}

/** Add of [1,3] and [1,4]: refused (BAD_SHAPE), the message quoting the node named `nodeName`. */
function badShapeOnnx(path: string, nodeName: string): void {
  const b = new OnnxGraphBuilder({ producer: `p${H}` });
  b.input('a', 'float32', [1, 3]);
  b.input('b', 'float32', [1, 4]);
  b.node('Add', ['a', 'b'], ['y'], {}, { name: nodeName });
  b.output('y', 'float32', [1, 4]);
  writeFileSync(path, b.toBytes());
}

function hostileTflite(path: string): void {
  writeFileSync(
    path,
    buildTflite({
      opcodes: [BuiltinOperator.ADD, { custom: `Cust${H}` }],
      tensors: [
        { name: `x${H}`, shape: [1, 4] },
        { name: `c${H}`, shape: [1, 4], buffer: 1 },
        { name: `s${H}`, shape: [1, 4] },
        { name: `y${H}`, shape: [1, 4] },
      ],
      ops: [
        { opcode: 0, inputs: [0, 1], outputs: [2] },
        { opcode: 1, inputs: [2], outputs: [3] },
      ],
      inputs: [0],
      outputs: [3],
      buffers: [undefined, new Array(16).fill(0)],
      subgraphName: `main${H}`,
      description: `conv${H}`,
    }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-robust-names-'));
  const onnx = join(dir, 'hostile.onnx');
  const tfl = join(dir, 'hostile.tflite');
  const bad = join(dir, 'bad.onnx');
  const long = join(dir, 'long.onnx');
  hostileOnnx(onnx);
  hostileTflite(tfl);
  badShapeOnnx(bad, `add${H}`);
  badShapeOnnx(long, `${'n'.repeat(2 ** 20)}${H}`);
  runs = await runAll([
    { key: 'analyze', args: ['analyze', onnx] },
    { key: 'analyze --json', args: ['analyze', onnx, '--json'] },
    { key: 'check', args: ['check', onnx, '--target', 'STM32H747I-DISCO'] },
    { key: 'check --json', args: ['check', onnx, '--target', 'STM32H747I-DISCO', '--json'] },
    { key: 'compare --json', args: ['compare', onnx, tfl, '--target', 'STM32H747I-DISCO', '--json'] },
    { key: 'compare', args: ['compare', onnx, tfl, '--target', 'STM32H747I-DISCO'] },
    { key: 'tflite analyze', args: ['analyze', tfl] },
    { key: 'tflite check', args: ['check', tfl, '--target', 'STM32H747I-DISCO'] },
    { key: 'error', args: ['analyze', bad] },
    { key: 'error --json', args: ['check', bad, '--json'] },
    { key: 'error, 1 MB name', args: ['analyze', long] },
  ]);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function unsafeAt(text: string): string | undefined {
  const m = RAW_UNSAFE.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m.index}: …${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 10))}` : undefined;
}

describe('hostile strings in model files reach the terminal escaped', () => {
  const succeeding = ['analyze', 'analyze --json', 'check', 'check --json', 'compare --json', 'compare', 'tflite analyze', 'tflite check'];

  it.each(succeeding)('%s: no raw control, bidi or invisible character, no faked line', (key) => {
    const r = runs[key]!;
    expect(r.stderr, key).toBe('');
    expect([0, 1]).toContain(r.code);
    expect(unsafeAt(r.stdout), key).toBeUndefined();
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAKE')), key).toEqual([]);
    if (key.endsWith('--json')) expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('text output still shows the names, the producer and the unknown op, escaped', () => {
    const out = runs['analyze']!.stdout;
    expect(out).toContain('prod\\u001b[2J');
    expect(out).toContain('Weird\\u001b[2J');
    expect(out).toContain('\\u202eexe.txt');
    expect(out).toContain('\\nFAKE: all targets fit');
    expect(runs['tflite analyze']!.stdout).toContain('CUSTOM:Cust\\u001b[2J');
  });

  it('JSON keeps every string: what was escaped for the terminal parses back to the file\'s characters', () => {
    const doc = JSON.parse(runs['analyze --json']!.stdout) as { model: { producer: string }; layers: { name: string }[] };
    // a name's U+202E is written as a JSON \u escape and parses back to the character itself (C0 controls were
    // escaped as text by the loader: \u001b stays the six characters)
    expect(doc.layers.map((l) => l.name)).toContain(`conv${H.replace(/[\u0000-\u001f\u007f-\u009f\u2028]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}`);
    // the producer is not a name: the CLI shows it escaped as a whole (safeText), in JSON too
    expect(doc.model.producer).toContain('prod\\u001b[2J');
    expect(doc.model.producer).toContain('\\u202eexe.txt');
  });

  it.each(['error', 'error --json'])('%s: a refused model is one escaped line on stderr, exit 2', (key) => {
    const r = runs[key]!;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.slice(0, -1).split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^edgefit: /);
    expect(r.stderr).toContain('add\\u001b[2J');
    expect(unsafeAt(r.stderr)).toBeUndefined();
  });

  it('an error quoting a name of a megabyte is one line of at most a few KiB, with the start and the end of the message', () => {
    const r = runs['error, 1 MB name']!;
    expect(r.code).toBe(2);
    expect(r.stderr.slice(0, -1).split('\n')).toHaveLength(1);
    expect(r.stderr.length).toBeLessThan(8192);
    // the start (what is wrong, where) and the end (the reason) are kept around the cut
    expect(r.stderr).toMatch(/^edgefit: node 'n{100,}…\[\d+ characters cut\]…n+\\u001b\[2J.*' \(Add\): shapes \[1,3\] and \[1,4\] cannot be broadcast\n$/);
    expect(unsafeAt(r.stderr)).toBeUndefined();
  });
});
