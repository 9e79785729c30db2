/** Writes a rendered report to disk, creating its folder; returns the path as given and as a file:// URL. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeOutputFile } from '../cli/output-file.ts';

export function writeReport(path: string, html: string): { path: string; url: string } {
  writeOutputFile(path, html, `report ${path}`);
  return { path, url: pathToFileURL(resolve(path)).href };
}
