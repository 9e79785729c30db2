/**
 * Self-contained HTML reports (issue 8). See docs/report.md.
 *
 * ```ts
 * const input = await buildReportInput('net.onnx', { resolutions: [96, 128, 160] });
 * writeReport('reports/net.html', renderReport(input));
 * ```
 */
export { renderReport } from './render.ts';
export { buildReportInput, toReportMemory, toReportTarget, inputShapeAt, EDGEFIT_VERSION, type ReportBuildOptions } from './build-input.ts';
export { findPublishedFigures, type PublishedQuery } from './published.ts';
export { writeReport } from './write.ts';
export type * from './types.ts';
