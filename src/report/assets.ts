/**
 * Files inlined into every report: chart.js (UMD build, read from node_modules at render time), the page
 * script and the style sheet. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inlineScriptSource } from './escape.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface ReportAssets {
  chartJs: string;
  pageJs: string;
  css: string;
}

let cached: ReportAssets | undefined;

function chartJsPath(): string {
  // chart.js's package exports do not list the UMD build; locate the package through its CommonJS entry.
  const require = createRequire(import.meta.url);
  const cjsEntry = require.resolve('chart.js'); // …/chart.js/dist/chart.cjs
  return join(dirname(cjsEntry), 'chart.umd.min.js');
}

export function reportAssets(): ReportAssets {
  cached ??= {
    chartJs: inlineScriptSource(readFileSync(chartJsPath(), 'utf8')),
    pageJs: inlineScriptSource(readFileSync(join(HERE, 'page', 'report-page.js'), 'utf8')),
    css: readFileSync(join(HERE, 'page', 'report.css'), 'utf8').replace(/<\/(style)/gi, '<\\/$1'),
  };
  return cached;
}
