/**
 * Hostile external-data locations through the commands a user runs: an absolute location, one with a '..'
 * segment, and a symlink (to a file, or a folder) inside the model's folder leading outside it. Each is
 * refused before anything is read — exit 2, one `edgefit:` line naming the location, nothing on stdout —
 * by every command that reads a model. (The loader's own cases are in test/onnx-bad-input.test.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { externalFloat32 } from './helpers/external-tensor.ts';
import { MODEL_COMMANDS, oneErrorLine, runAll, type CliRun } from './robustness-cli.ts';

let dir: string;
const models: Record<string, { path: string; location: RegExp }> = {};
let runs: Record<string, CliRun> = {};

/** x[1,4] + bias[4] (float32, in external data at `location`) → y. */
function withExternalBias(location: string): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x', 'float32', [1, 4]);
  g.rawInitializer(externalFloat32('bias', [4], location, 0, 16));
  g.node('Add', ['x', 'bias'], ['y'], {}, { name: 'add' });
  g.output('y', 'float32', [1, 4]);
  return g;
}

// Which command runs which hostile file: every kind through two commands, every command at least once
// (each run starts node + tsx; analyze with '..' is also in test/cli-analyze.test.ts).
const CASES: [kind: string, command: string][] = [
  ['absolute', 'analyze'],
  ['symlinkFile', 'analyze'],
  ['symlinkDir', 'analyze'],
  ['absolute', 'check'],
  ['dotdot', 'check'],
  ['dotdot', 'compare'],
  ['symlinkFile', 'report'],
  ['symlinkDir', 'report'],
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-extdata-'));
  const secret = join(dir, 'secret.bin'); // outside every model folder, 16 readable bytes
  writeFileSync(secret, new Uint8Array(16).fill(7));
  const modelDir = (name: string) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const abs = modelDir('abs');
  models.absolute = { path: withExternalBias(secret).writeTo(abs, 'model.onnx'), location: /secret\.bin.*absolute/ };
  const dots = modelDir('dots');
  models.dotdot = { path: withExternalBias('../secret.bin').writeTo(dots, 'model.onnx'), location: /"\.\.\/secret\.bin" contains '\.\.'/ };
  const linkFile = modelDir('link-file');
  symlinkSync(secret, join(linkFile, 'weights.bin'));
  models.symlinkFile = { path: withExternalBias('weights.bin').writeTo(linkFile, 'model.onnx'), location: /"weights\.bin" resolves to .*secret\.bin, outside the model's folder/ };
  const linkDir = modelDir('link-dir');
  symlinkSync(dir, join(linkDir, 'up'));
  models.symlinkDir = { path: withExternalBias('up/secret.bin').writeTo(linkDir, 'model.onnx'), location: /"up\/secret\.bin" resolves to .*outside the model's folder/ };
  const out = modelDir('out');
  runs = await runAll(
    CASES.map(([kind, command]) => ({ key: `${kind}/${command}`, args: MODEL_COMMANDS.find((c) => c.name === command)!.args(models[kind]!.path, out) })),
  );
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('external data that would be read from outside the model folder is refused', () => {
  it('by the analyzer API (UNSAFE_PATH, one line naming the location)', () => {
    for (const [kind, m] of Object.entries(models)) {
      let err: unknown;
      try {
        analyzeFile(m.path);
      } catch (e) {
        err = e;
      }
      expect(err, kind).toBeInstanceOf(EdgefitError);
      expect((err as EdgefitError).code, kind).toBe('UNSAFE_PATH');
      expect((err as EdgefitError).message, kind).toMatch(m.location);
      expect((err as EdgefitError).message).not.toContain('\n');
    }
  });

  for (const [kind, command] of CASES) {
    it(`${command} on a model whose location is ${kind}: exit 2, one line, no output`, () => {
      const r = runs[`${kind}/${command}`]!;
      const line = oneErrorLine(r);
      expect(line).toMatch(/^edgefit: .*model\.onnx: initializer 'bias': external data location /);
      expect(line).toMatch(models[kind]!.location);
      expect(r.code, line).toBe(2);
      expect(r.stdout).toBe('');
    });
  }
});
