/**
 * Writing the files the CLI produces (reports, built models): missing folders are created one level at a
 * time, and every failure becomes one EdgefitError line naming the path. Node's own
 * `mkdirSync(…, { recursive: true })` is not used: under some parents (e.g. /proc) it never returns.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EdgefitError } from '../analyzer/errors.ts';

/** Why a write failed, in words ("no space left on the device"); the CLI's stdout failures say it too (bin/edgefit.js). */
export function writeFailureReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such folder';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a parent is not a folder';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    default: return code ?? (e as Error).message.split('\n')[0]!;
  }
}

/**
 * The value of an `-o, --output <file>` option (its argument parser): an empty path is refused with one line. It
 * read as the current folder: "cannot write report : no such folder", zoo's "cannot write /cwd: it is a folder".
 */
export function outputPathOption(value: string): string {
  if (value.trim() === '') throw new EdgefitError('USAGE', `-o '${value}': give the path of the file to write`);
  return value;
}

/**
 * Refuses an output path that is the input file itself (the same file by device and inode: through a symlink, a hard
 * link or another spelling too): `edgefit report m.onnx -o m.onnx` replaced the model with its own report.
 */
export function refuseOverwritingInput(outputPath: string, inputPath: string): void {
  let out;
  let inp;
  try {
    out = statSync(outputPath);
    inp = statSync(inputPath);
  } catch {
    return; // one of them does not exist: not the same file
  }
  if (out.isFile() && out.dev === inp.dev && out.ino === inp.ino) {
    throw new EdgefitError('USAGE', `-o '${outputPath}' is the model being read (${inputPath}); write the report to another file`);
  }
}

/** Creates `dir` and any missing parents; `what` names the file being written, for the error line. */
export function ensureFolder(dir: string, what: string): void {
  const missing: string[] = [];
  let cur = resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(cur);
    } catch {
      st = undefined;
    }
    if (st) {
      if (!st.isDirectory()) throw new EdgefitError('USAGE', `cannot write ${what}: ${cur} is not a folder`);
      break;
    }
    const parent = dirname(cur);
    if (parent === cur) break;
    missing.push(cur);
    cur = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new EdgefitError('USAGE', `cannot write ${what}: cannot create folder ${d}: ${writeFailureReason(e)}`);
    }
  }
}

/** Writes `data` to `path`, creating missing folders; `what` names the file in the error line ("report x.html"). */
export function writeOutputFile(path: string, data: string | Uint8Array, what = path): void {
  ensureFolder(dirname(resolve(path)), what);
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new EdgefitError('USAGE', `cannot write ${what}: ${writeFailureReason(e)}`);
  }
}
