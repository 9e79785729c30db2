/**
 * What the ONNX reader's string table costs inside a decode: every `WireReader.string` call of an in-memory decode
 * (tensor names, and the format's words: op types, attribute names, domains) is recorded once, then replayed alone
 * on a fresh reader over the same bytes (a fresh table, as each load has) and timed against the whole decode.
 * Node names (`unkeptString`, not kept in the table) are not part of the replay.
 *
 * Prints per file (least CPU µs per run over rounds): the lookups (format words / names, and how many were new),
 * the whole decode, the replay (`fill`: as in a load, first sight of each string included) and its share of the
 * decode, and a second replay on the filled table (`all found`: every lookup a hit), in ns per lookup for names and
 * for words. A replay runs without the decoder's other work between lookups (caches stay warm), so it is a lower
 * bound of the table's cost inside a decode, and a change that speeds the replay up need not speed a load up
 * (docs/onnx-reader.md, session 12).
 *
 * Usage: node --import tsx bench/string-table-replay.ts [--src DIR] [--filter S] [--rounds 25] [--reps 20]
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadableOnnxFiles, option, SHARED_MODELS_DIR as MODELS, SRC_DIR as SRC, treeLoader } from './tree-args.ts';

const ROUNDS = Number(option('--rounds') ?? 25);
const REPS = Number(option('--reps') ?? 20);
const tree = await treeLoader(SRC);
const { WireReader } = (await import(pathToFileURL(join(SRC, 'analyzer/onnx/wire-reader.ts')).href)) as typeof import('../src/analyzer/onnx/wire-reader.ts');
const { decodeModel } = (await import(pathToFileURL(join(SRC, 'analyzer/onnx/wire-decode.ts')).href)) as typeof import('../src/analyzer/onnx/wire-decode.ts');

/** A reader that notes where each string() call starts, its length and whether it is a word of the format. */
class RecordingReader extends WireReader {
  readonly calls: number[] = [];
  override string(n: number, flat = false): string {
    this.calls.push(this.pos, n, flat ? 1 : 0);
    return super.string(n, flat);
  }
}

/** The calls replayed on `r`, in order. */
function replay(r: InstanceType<typeof WireReader>, calls: readonly number[]): void {
  for (let i = 0; i < calls.length; i += 3) {
    r.pos = calls[i]!;
    r.string(calls[i + 1]!, calls[i + 2] === 1);
  }
}

/** Least CPU µs per run of `fn` over ROUNDS rounds of REPS runs. */
function leastUs(fn: () => unknown): number {
  let least = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < REPS; i++) fn();
    const c = process.cpuUsage(c0);
    least = Math.min(least, (c.user + c.system) / REPS);
  }
  return least;
}

const big = (f: string) => readFileSync(f).length > 1_000_000;
const files = loadableOnnxFiles(MODELS, tree, option('--filter')).filter((f) => option('--filter') !== undefined || big(f));
console.log('lookups: words / names (new)   decode µs   fill µs (share)   all found µs: ns per name, per word   file');
for (const f of files) {
  const bytes = readFileSync(f);
  const rec = new RecordingReader(bytes);
  decodeModel(rec);
  const calls = rec.calls;
  const lookups = calls.length / 3;
  const wordCalls = calls.filter((_, i) => i % 3 === 2 && calls[i] === 1);
  const words = wordCalls.length;
  const kept = rec.stringCount;
  const wordsOnly: number[] = [];
  const namesOnly: number[] = [];
  for (let i = 0; i < calls.length; i += 3) (calls[i + 2] === 1 ? wordsOnly : namesOnly).push(calls[i]!, calls[i + 1]!, calls[i + 2]!);
  const filled = new WireReader(bytes);
  replay(filled, calls);
  const tasks = {
    decode: () => decodeModel(new WireReader(bytes)),
    fill: () => replay(new WireReader(bytes), calls),
    names: () => replay(filled, namesOnly),
    words: () => replay(filled, wordsOnly),
  };
  for (let i = 0; i < 30; i++) for (const t of Object.values(tasks)) t();
  const us = Object.fromEntries(Object.entries(tasks).map(([k, t]) => [k, leastUs(t)])) as Record<keyof typeof tasks, number>;
  const nsName = (1000 * us.names) / (lookups - words);
  const nsWord = words > 0 ? (1000 * us.words) / words : 0;
  console.log(
    `${`${words} / ${lookups - words} (${kept})`.padStart(24)} ${us.decode.toFixed(0).padStart(11)} ${`${us.fill.toFixed(0)} (${((100 * us.fill) / us.decode).toFixed(0)} %)`.padStart(17)}` +
      ` ${`${(us.names + us.words).toFixed(0)}: ${nsName.toFixed(1)}, ${nsWord.toFixed(1)}`.padStart(36)}   ${relative(MODELS, f)}`,
  );
}
