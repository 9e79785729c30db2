/**
 * ONNX external data: a tensor's bytes in a file beside the model (TensorProto.external_data entries
 * `location`, `offset`, `length`). The location must stay inside the model's folder: an absolute path,
 * a `..` segment, or a path that resolves (through symlinks) outside the folder is refused (UNSAFE_PATH).
 * Only regular files are read (never a FIFO or device, which could block or never end; the file is opened
 * non-blocking, so one swapped for a FIFO after its check cannot hang the open either).
 *
 * A model may name the same file thousands of times. Within one load (`ExternalReads`) a range named again
 * (same file, offset and length: tied weights) is the same bytes, read once; and the distinct ranges read from one
 * file may not add up to more than the file holds. So a model of a few KiB beside a 64 MiB file can make edgefit
 * hold at most 64 MiB, not 64 MiB per reference (300 references took 19 GiB of memory and 200 s before).
 */
import { closeSync, constants, fstatSync, openSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep, win32 } from 'node:path';
import { EdgefitError } from '../errors.ts';
import { readFully } from './read-fully.ts';

interface Entry {
  key?: string | null;
  value?: string | null;
}

function parseOffset(value: string | undefined, key: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new EdgefitError('EXTERNAL_DATA', `${where}: external data ${key} '${value}' is not a non-negative integer`);
  }
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw new EdgefitError('EXTERNAL_DATA', `${where}: external data ${key} ${value} is too large`);
  return n;
}

/** What one load has read of external data: ranges already read (shared by tensors naming them again), and bytes read per file. */
export class ExternalReads {
  readonly ranges = new Map<string, Uint8Array>();
  readonly bytesByFile = new Map<string, number>();
}

/** Checks `location` and returns the real path of the file it names inside `baseDir`. */
export function resolveExternalLocation(location: string, baseDir: string, where: string): string {
  const shown = JSON.stringify(location);
  if (location === '') throw new EdgefitError('EXTERNAL_DATA', `${where}: external data has no location`);
  if (location.includes('\0')) throw new EdgefitError('UNSAFE_PATH', `${where}: external data location ${shown} contains a NUL byte`);
  if (isAbsolute(location) || win32.isAbsolute(location)) {
    throw new EdgefitError('UNSAFE_PATH', `${where}: external data location ${shown} is absolute; it must be relative to the model's folder`);
  }
  if (location.split(/[\\/]/).includes('..')) {
    throw new EdgefitError('UNSAFE_PATH', `${where}: external data location ${shown} contains '..'; it must stay inside the model's folder`);
  }
  let realBase: string;
  try {
    realBase = realpathSync(baseDir);
  } catch {
    throw new EdgefitError('EXTERNAL_DATA', `${where}: the model's folder ${baseDir} cannot be read`);
  }
  const candidate = resolve(realBase, location);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new EdgefitError('EXTERNAL_DATA', `${where}: external data file ${shown} not found in ${realBase}`);
  }
  if (real !== realBase && !real.startsWith(realBase.endsWith(sep) ? realBase : realBase + sep)) {
    throw new EdgefitError('UNSAFE_PATH', `${where}: external data location ${shown} resolves to ${real}, outside the model's folder ${realBase}`);
  }
  return real;
}

/**
 * Reads `byteLength` bytes of external data. The caller has already checked `byteLength` against the
 * tensor cap; a `length` entry that disagrees with the tensor's dims is an error, as is a short file.
 */
export function readExternalData(entries: Entry[], byteLength: number, where: string, baseDir: string | undefined, reads?: ExternalReads): Uint8Array {
  const kv = new Map<string, string>();
  for (const e of entries) if (e.key) kv.set(e.key, e.value ?? '');
  const location = kv.get('location') ?? '';
  if (baseDir === undefined) {
    throw new EdgefitError('EXTERNAL_DATA', `${where}: external data ${JSON.stringify(location)} cannot be read: the model was given as bytes without its folder`);
  }
  const real = resolveExternalLocation(location, baseDir, where);
  const offset = parseOffset(kv.get('offset'), 'offset', where) ?? 0;
  const length = parseOffset(kv.get('length'), 'length', where);
  if (length !== undefined && length !== byteLength) {
    throw new EdgefitError('EXTERNAL_DATA', `${where}: external data length ${length} in ${JSON.stringify(location)} disagrees with the ${byteLength} bytes its dims need`);
  }
  const shown = JSON.stringify(location);
  let stat;
  try {
    stat = statSync(real);
  } catch {
    throw new EdgefitError('EXTERNAL_DATA', `${where}: external data file ${shown} cannot be read`);
  }
  if (!stat.isFile()) throw new EdgefitError('EXTERNAL_DATA', `${where}: external data ${shown} is not a regular file`);
  if (offset + byteLength > stat.size) {
    throw new EdgefitError(
      'EXTERNAL_DATA',
      `${where}: external data file ${shown} has ${stat.size} bytes, too short for ${byteLength} bytes at offset ${offset}`,
    );
  }
  const rangeKey = `${real}\0${offset}\0${byteLength}`;
  const known = reads?.ranges.get(rangeKey);
  if (known) return known;
  if (reads) {
    const total = (reads.bytesByFile.get(real) ?? 0) + byteLength;
    if (total > stat.size) {
      throw new EdgefitError(
        'EXTERNAL_DATA',
        `${where}: the tensors stored in external data file ${shown} overlap: their ranges add up to more than its ${stat.size} bytes (${total} bytes so far)`,
      );
    }
    reads.bytesByFile.set(real, total);
  }
  const out = new Uint8Array(byteLength);
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new EdgefitError('EXTERNAL_DATA', `${where}: external data file ${shown} cannot be opened`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new EdgefitError('EXTERNAL_DATA', `${where}: external data ${shown} is not a regular file`);
    const done = readFully(fd, out, 0, byteLength, offset);
    if (done < byteLength) {
      throw new EdgefitError('EXTERNAL_DATA', `${where}: external data file ${shown} ended after ${done} of ${byteLength} bytes at offset ${offset}`);
    }
  } finally {
    closeSync(fd);
  }
  reads?.ranges.set(rangeKey, out);
  return out;
}
