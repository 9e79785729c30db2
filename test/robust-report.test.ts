/**
 * The HTML report of a model whose every string is an injection attempt, loaded in Chromium: names that close
 * the data block (`</script>`), open a comment (`<!--`, `-->`), break out of attributes (`"`, `'`), carry event
 * handlers (`<img onerror>`, `<svg onload>`), JavaScript line separators (U+2028/2029) and terminal escapes;
 * in node, tensor, input, output and graph names, the producer, an unknown op's type and domain. Each would set
 * `window.__pwned` if it ran. The page must run none of them, log no error, load nothing but itself, and show
 * the strings as text (tables, and the chart tooltips on hover).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { buildReportInput } from '../src/report/build-input.ts';
import { renderReport } from '../src/report/render.ts';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, watchedPage } from './helpers/watched-page.ts';

if (!HAVE_CHROMIUM) console.warn(`[robust-report] ${CHROMIUM} is missing: browser test skipped (CI installs it).`);

/** Injection attempts, each setting window.__pwned to its own number if it ran. */
const ATTACKS = [
  `</script><script>window.__pwned=1</script>`,
  `<!--<script>window.__pwned=2</script>-->`,
  `--><img src=x onerror="window.__pwned=3">`,
  `"><svg onload="window.__pwned=4">`,
  `'><img src=x onerror='window.__pwned=5'>`,
  `\u2028\u2029";window.__pwned=6;//`,
  `</textarea></title></style><img src=x onerror=window.__pwned=7>`,
  `\${window.__pwned=8}\`+(window.__pwned=9)+\``,
  `\u001b[2J<iframe src="javascript:window.parent.__pwned=10">`,
  `]]><![CDATA[<script>window.__pwned=11</script>`,
];

let browser: Browser | undefined;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-robust-report-'));
  if (!HAVE_CHROMIUM) return;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** x → Conv → MaxPool → (unknown op) → Relu → y, every name an attack. */
function hostileModel(path: string): void {
  const a = (i: number, what: string) => `${what}${ATTACKS[i % ATTACKS.length]}`;
  const b = new OnnxGraphBuilder({ name: a(0, 'graph'), producer: a(1, 'producer') });
  const x = a(2, 'x');
  b.input(x, 'float32', [1, 3, 16, 16]);
  b.initializer(a(3, 'w'), 'float32', [8, 3, 3, 3], new Float32Array(8 * 27).fill(0.01));
  b.initializer(a(4, 'b'), 'float32', [8], new Float32Array(8));
  b.node('Conv', [x, a(3, 'w'), a(4, 'b')], [a(5, 'c')], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: a(6, 'conv') });
  b.node('MaxPool', [a(5, 'c')], [a(7, 'p')], { kernel_shape: [2, 2], strides: [2, 2] }, { name: a(8, 'pool') });
  b.node(a(9, 'Op'), [a(7, 'p')], [a(0, 'u')], {}, { name: a(1, 'unknown'), domain: a(2, 'dom') });
  b.node('Relu', [a(0, 'u')], [a(3, 'y')], {}, { name: a(4, 'relu') });
  b.output(a(3, 'y'), 'float32', [1, 8, 8, 8]);
  b.writeTo(dir, path);
}

describe.skipIf(!HAVE_CHROMIUM)('report of a model whose strings are injection attempts', () => {
  it('runs none of them, logs no error, loads nothing else, and shows them as text', async () => {
    const modelPath = join(dir, 'hostile.onnx');
    hostileModel('hostile.onnx');
    const input = await buildReportInput(modelPath, { resolutions: [16, 24], targets: ['STM32H747I-DISCO', 'STM32N6570-DK'] });
    const html = renderReport(input);
    const htmlPath = join(dir, 'report.html');
    writeFileSync(htmlPath, html);
    // every attack's markup is inert in the file itself: no element from it exists as markup
    for (const tag of ['<img', '<svg', '<iframe', '<textarea', '<!--<script>']) expect(html.includes(tag), tag).toBe(false);

    const url = pathToFileURL(htmlPath).href;
    const { page, requests, consoleErrors } = await watchedPage(browser!, url, { dialogsAreErrors: true });

    // hover every chart across its width: tooltips show layer and tensor names
    for (const canvas of await page.locator('canvas').all()) {
      const box = await canvas.boundingBox();
      if (!box) continue;
      for (let f = 0.05; f < 1; f += 0.1) await page.mouse.move(box.x + box.width * f, box.y + box.height * 0.6);
    }

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.locator('img, svg, iframe, textarea').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);
    // the names are there, as text
    const table = await page.locator('#layer-table').innerText();
    expect(table).toContain(`conv${ATTACKS[6]}`);
    expect(table).toContain(`pool${ATTACKS[8]!.replace('\u001b', '\\u001b')}`);
    const body = await page.evaluate(() => document.body.innerText);
    expect(body).toContain(`producer${ATTACKS[1]}`);
    expect(body).toContain(`x${ATTACKS[2]}`);
    // the page's data block parses back to the same names (the embedded JSON is intact)
    const names = await page.evaluate(() => JSON.stringify(JSON.parse(document.getElementById('report-data')!.textContent!)));
    expect(names).toContain(JSON.stringify(`relu${ATTACKS[4]}`).slice(1, -1));
    await page.close();
  }, 120_000);
});
