/** Writes a rendered report to disk, creating its folder; returns the path as given and as a file:// URL. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EdgefitError } from '../analyzer/errors.ts';

export function writeReport(path: string, html: string): { path: string; url: string } {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, html);
  } catch (e) {
    throw new EdgefitError('USAGE', `cannot write report ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { path, url: pathToFileURL(resolve(path)).href };
}
