/**
 * The HTML report in a real browser (headless Chromium from Debian, driven by playwright-core): it loads
 * from file:// with no console error and no request but the file itself, every chart's canvas has data drawn
 * on it, the layer table sorts on header clicks, and hostile model strings render as text with no script run.
 * Screenshots of each run go to test-output/ (git-ignored) for a human to look at.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoInput } from '../src/cli/commands/demo.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { buildReportInput } from '../src/report/build-input.ts';
import { renderReport } from '../src/report/render.ts';
import type { ReportInput } from '../src/report/types.ts';
import { HOSTILE_NAME, fixtureReportInput } from './fixtures/report-input.ts';
import { REPO_ROOT } from './helpers/shared.ts';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, watchedPage, type WatchedPage } from './helpers/watched-page.ts';

if (!HAVE_CHROMIUM) console.warn(`[report-browser] ${CHROMIUM} is missing: browser tests skipped (CI installs it).`);

const OUT_DIR = join(REPO_ROOT, 'test-output');
let browser: Browser;
let workDir: string;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  mkdirSync(OUT_DIR, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), 'edgefit-report-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface Loaded extends WatchedPage {
  url: string;
}

/** Writes the report, opens it, and records every request and console error. */
async function open(name: string, input: ReportInput): Promise<Loaded> {
  const path = join(OUT_DIR, `report-${name}.html`);
  writeFileSync(path, renderReport(input));
  const url = pathToFileURL(resolve(path)).href;
  const { page, requests, consoleErrors } = await watchedPage(browser, url);
  await page.screenshot({ path: join(OUT_DIR, `report-${name}.png`), fullPage: true });
  return { page, url, requests, consoleErrors };
}

interface CanvasInk {
  id: string;
  width: number;
  height: number;
  inked: number;
  colored: number;
}

/** Per canvas: pixels drawn at all, and saturated pixels (data series; axes, grid and text are grey). */
function canvasInk(page: Page): Promise<CanvasInk[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('canvas')).map((c) => {
      // read a copy, so the page's own contexts get no readback (Chromium warns about repeated readbacks)
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      let colored = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3]! === 0) continue;
        inked++;
        const hi = Math.max(d[i]!, d[i + 1]!, d[i + 2]!);
        const lo = Math.min(d[i]!, d[i + 1]!, d[i + 2]!);
        if (hi - lo > 60 && d[i + 3]! > 100) colored++;
      }
      return { id: c.id, width: c.width, height: c.height, inked, colored };
    }),
  );
}

function expectAllChartsDrawn(ink: CanvasInk[], expectedIds: string[]): void {
  expect(ink.map((c) => c.id).sort()).toEqual([...expectedIds].sort());
  for (const c of ink) {
    expect(c.width * c.height, c.id).toBeGreaterThan(10_000);
    expect(c.inked / (c.width * c.height), `${c.id} is blank`).toBeGreaterThan(0.01);
    expect(c.colored, `${c.id} has no data drawn`).toBeGreaterThan(200);
  }
}

const ALL_CHARTS = ['chart-macs', 'chart-latency', 'chart-live', 'chart-planners', 'chart-buffers', 'chart-sweep-ram', 'chart-sweep-flash', 'chart-sweep-latency'];

function firstColumn(page: Page): Promise<number[]> {
  return page.$$eval('#layer-table tbody tr', (rows) => rows.map((r) => Number((r as HTMLTableRowElement).cells[0]!.textContent)));
}

describe.skipIf(!HAVE_CHROMIUM)('HTML report in Chromium', () => {
  it('loads offline with every chart drawn, and the layer table sorts on header clicks', async () => {
    const input = fixtureReportInput();
    const { page, url, requests, consoleErrors } = await open('fixture', input);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([url]);
    expectAllChartsDrawn(await canvasInk(page), ALL_CHARTS);

    const layers = input.analysis.layers;
    expect(await firstColumn(page)).toEqual(layers.map((l) => l.index));
    const byMacsDesc = [...layers].sort((a, b) => b.macs - a.macs || a.index - b.index).map((l) => l.index);
    await page.click('#layer-table thead button:text-is("MACs")');
    expect(await firstColumn(page)).toEqual(byMacsDesc);
    expect(await page.getAttribute('#layer-table thead th:nth-child(7)', 'aria-sort')).toBe('descending');
    await page.click('#layer-table thead button:text-is("MACs")');
    expect(await firstColumn(page)).toEqual([...layers].sort((a, b) => a.macs - b.macs || a.index - b.index).map((l) => l.index));
    await page.click('#layer-table thead button:text-is("Output bytes")');
    const outBytes = await firstColumn(page);
    expect(outBytes.map((i) => layers[i]!.outputBytes)).toEqual([...layers].map((l) => l.outputBytes).sort((a, b) => b - a));
    await page.click('#layer-table thead button:text-is("Op")');
    const ops = (await firstColumn(page)).map((i) => layers[i]!.op);
    expect(ops).toEqual([...ops].sort((a, b) => a.localeCompare(b)));

    // the latency selector redraws another target's layers
    await page.selectOption('#latency-target-select', 'stm32n6570-dk');
    expect((await canvasInk(page)).find((c) => c.id === 'chart-latency')!.colored).toBeGreaterThan(200);
    // the buffer-plan selector redraws another planner's plan
    await page.selectOption('#buffer-plan-select', 'greedy');
    const after = (await canvasInk(page)).find((c) => c.id === 'chart-buffers')!;
    expect(after.colored).toBeGreaterThan(200);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('draws a plan of 200,000 buffers (the buffer chart spans its steps in loops, not Math.min.apply over every buffer)', async () => {
    // a 200,000-layer chain's plan: one argument per buffer overflowed the page's call stack ("Maximum call stack size exceeded")
    const input = fixtureReportInput();
    const plans = input.memory!.planners;
    const first = Object.keys(plans)[0]!;
    const buffers = Array.from({ length: 200_000 }, (_, i) => ({ name: `b${i}`, sizeBytes: 16, offsetBytes: (i % 2) * 16, firstStep: i, lastStep: i + 1 }));
    plans[first] = { ...plans[first]!, peakBytes: 32, buffers };
    const { page, consoleErrors } = await open('many-buffers', input);
    expect(consoleErrors).toEqual([]);
    const ink = (await canvasInk(page)).find((c) => c.id === 'chart-buffers')!;
    expect(ink.colored, 'chart-buffers has no data drawn').toBeGreaterThan(200);
  }, 120_000);

  it('renders hostile names from a hand-made input as text and runs none of them', async () => {
    const { page, url, requests, consoleErrors } = await open('hostile-fixture', fixtureReportInput({ hostileNames: true }));
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain(HOSTILE_NAME);
    expect(text).toContain('models/<b>evil</b>&"name".onnx');
    expect(text).toContain('note with <script>window.__xss=4</script>');
    expect(await page.title()).toBe('edgefit report: models/<b>evil</b>&"name".onnx');
    expectAllChartsDrawn(await canvasInk(page), ALL_CHARTS);
    await page.close();
  });

  it('renders an ONNX model whose node and tensor names hold HTML and </script> as text, through the real pipeline', async () => {
    const nodeName = '<img src=x onerror="window.__xss=11">';
    const tensorName = 'act</script><script>window.__xss=12</script>';
    const inputName = 'x<img src=x onerror=window.__xss=13>';
    const b = new OnnxGraphBuilder({ name: '<b>graph</b>', producer: '</script><script>window.__xss=14</script>' });
    b.input(inputName, 'float32', [1, 3, 16, 16]);
    b.initializer('w</script>', 'float32', [8, 3, 3, 3], new Float32Array(8 * 27).fill(0.01));
    b.initializer('b<!--', 'float32', [8], new Float32Array(8));
    b.node('Conv', [inputName, 'w</script>', 'b<!--'], [tensorName], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: nodeName });
    b.node('MaxPool', [tensorName], ['y<svg onload=window.__xss=15>'], { kernel_shape: [2, 2], strides: [2, 2] }, { name: '</script>pool' });
    b.output('y<svg onload=window.__xss=15>', 'float32', [1, 8, 8, 8]);
    const modelPath = b.writeTo(workDir, 'hostile.onnx');

    const input = await buildReportInput(modelPath, { resolutions: [16, 24] });
    expect(input.analysis.layers.map((l) => l.name)).toContain(nodeName);
    const { page, url, requests, consoleErrors } = await open('hostile-onnx', input);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img, svg').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);
    const table = await page.locator('#layer-table').innerText();
    expect(table).toContain(nodeName);
    expect(table).toContain('</script>pool');
    const summary = await page.locator('#summary').innerText();
    expect(summary).toContain(inputName);
    expect(summary).toContain('y<svg onload=window.__xss=15>');
    expect(summary).toContain('</script><script>window.__xss=14</script>');
    await page.close();
  });

  it('draws the demo report (ST EfficientNet LC v1 built at 128 and 224 px) cleanly', async () => {
    const input = await buildDemoInput(join(workDir, 'demo-models'));
    const { page, url, requests, consoleErrors } = await open('demo', input);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([url]);
    // Which charts have data depends on which modules deliver it: memory plans always for this model;
    // per-layer latency and the capacity/latency sweeps only with target results.
    const targets = input.targets ?? [];
    const expected = ['chart-macs', 'chart-live', 'chart-planners', 'chart-buffers'];
    if (targets.some((t) => t.layerLatencyMs)) expected.push('chart-latency');
    if (targets.length) expected.push('chart-sweep-ram', 'chart-sweep-flash', 'chart-sweep-latency');
    expectAllChartsDrawn(await canvasInk(page), expected);
    expect(await page.locator('#layer-table tbody tr').count()).toBe(input.analysis.layers.length);
    if (targets.length) {
      // the latency axis is labelled "10 ms", "200 ms", not with fmtMs's fixed decimals ("20.00 ms", "200.0 ms")
      const labels = await page.evaluate(() => {
        const chart = (window as unknown as { Chart: { getChart(id: string): { scales: { y: { ticks: { label: unknown }[] } } } } }).Chart.getChart('chart-sweep-latency');
        return chart.scales.y.ticks.map((t) => String(t.label ?? '')).filter(Boolean);
      });
      expect(labels.length).toBeGreaterThan(1);
      for (const l of labels) expect(l).toMatch(/^([1-9]\d*|0\.\d*[1-9]|[1-9]\d*\.\d*[1-9]) ms$/);
    }
    await page.close();
  });
});
