/**
 * `edgefit zoo list` and `edgefit zoo build <net> …`: the built-in ST networks as QDQ ONNX files.
 */
import { resolve } from 'node:path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';
import { buildZooModel, listNetworks, ZOO_IO_VALUES, type ZooIo, type ZooResolution } from '../../zoo/index.ts';
import { formatBytesExact } from '../format/numbers.ts';
import { outputPathOption, writeOutputFile } from '../output-file.ts';

function numberOption(flag: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new EdgefitError('USAGE', `${flag} expects ${integer ? 'an integer' : 'a number'}, got '${value}'`);
    }
    return n;
  };
}

/** `--resolution`: R (square R×R) or HxW (height × width, as ST's tables print "256x128x3"). */
function resolutionOption(value: string): ZooResolution {
  const m = /^\s*(\d+)\s*(?:[x×]\s*(\d+)\s*)?$/i.exec(value);
  if (!m) throw new EdgefitError('USAGE', `--resolution expects R or HxW in pixels (e.g. 224 or 256x128), got '${value}'`);
  return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
}

function ioOption(value: string): ZooIo {
  if (!(ZOO_IO_VALUES as readonly string[]).includes(value)) throw new EdgefitError('USAGE', `--io expects one of ${ZOO_IO_VALUES.join(', ')}, got '${value}'`);
  return value as ZooIo;
}

function printList(json: boolean): void {
  const nets = listNetworks();
  if (json) {
    process.stdout.write(`${JSON.stringify(nets, null, 2)}\n`);
    return;
  }
  const table = new Table({ head: ['network', 'what', 'parameters (default; usual values)', 'resolution'], wordWrap: true, colWidths: [24, 40, 44, 34], style: { head: [], border: [] } });
  for (const n of nets) {
    const params = n.params
      .map((p) => `${p.name} ${p.default}${p.usual ? ` (${p.usual.join(', ')})` : ''}`)
      .join('\n');
    table.push([n.id, `${n.title}: ${n.description}`, params, n.resolutionConstraint]);
  }
  process.stdout.write(`${table.toString()}\n`);
  process.stdout.write('Build one: edgefit zoo build <network> --resolution 160 --classes 101 [--alpha 0.35] [--w4 26.1] -o net.onnx\n');
}

interface BuildFlags {
  resolution?: ZooResolution;
  classes?: number;
  alpha?: number;
  depth?: number;
  channels?: number;
  w4?: number;
  io?: ZooIo;
  seed?: number;
  output?: string;
}

function build(net: string, flags: BuildFlags): void {
  const model = buildZooModel(net, {
    resolution: flags.resolution,
    classes: flags.classes,
    alpha: flags.alpha,
    depth: flags.depth,
    channels: flags.channels,
    w4Percent: flags.w4,
    io: flags.io,
    seed: flags.seed,
  });
  const path = resolve(flags.output ?? `${model.name}.onnx`);
  writeOutputFile(path, model.bytes);
  // bytes as every other command prints them ("591,415 B", not "591415 bytes")
  process.stdout.write(`${model.description}\nwrote ${path} (${formatBytesExact(model.bytes.length)})\n`);
  if (model.int4Layers.length > 0) process.stdout.write(`int4 weights: ${model.int4Layers.join(', ')}\n`);
}

export function registerZoo(program: Command): void {
  const zoo = program.command('zoo').description('Build ST model-zoo networks as QDQ ONNX files at any resolution (seeded weights)');
  zoo
    .command('list')
    .description('List the buildable networks, their parameters and resolution rules')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => printList(Boolean(flags.json)));
  zoo
    .command('build')
    .description('Write one network as an ONNX QDQ model')
    .argument('<network>', 'network id (see `edgefit zoo list`)')
    .option('-r, --resolution <px>', 'input side R (input R×R), or HxW (e.g. 256x128: height 256, width 128)', resolutionOption)
    .option('-c, --classes <n>', 'number of classes (0: no classifier, MobileNet v1/v2)', numberOption('--classes', true))
    .option('--alpha <a>', 'width multiplier (MobileNet v1/v2, FD-MobileNet)', numberOption('--alpha', false))
    .option('--depth <d>', 'ResNet v1 depth (6n+2: 8, 20, 32)', numberOption('--depth', true))
    .option('--channels <n>', 'input channels: 3 (RGB) or 1 (grayscale)', numberOption('--channels', true))
    .option('--w4 <percent>', 'store this share of the weight count as INT4, largest tensors first (opset 21)', numberOption('--w4', false))
    .option('--io <types>', `graph input/output: float (ST's QDQ ONNX, default), int8 (int8 in and out), uint8 (uint8 in, float out, as ST's int8 TFLite files)`, ioOption)
    .option('--seed <n>', 'seed of the random weights', numberOption('--seed', true))
    .option('-o, --output <file>', 'output .onnx path (default: <name>.onnx)', outputPathOption)
    .action((net: string, flags: BuildFlags) => build(net, flags));
}
