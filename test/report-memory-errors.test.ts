/**
 * The RAM and flash bars of the HTML report, read in a real browser (headless Chromium, playwright-core) and
 * checked against the calibration table (data/calibration-error.json, what `calibrate` writes and `check` reads)
 * and the targets module's own figures and notes: each part (activations, runtime RAM; weights, code) shows the
 * leave-one-model-out error of its own quantity on that target, says "no calibration" or "thin data" as the
 * table says, "lower bound" where `check` notes it, and "not estimated" where the target's model has no such
 * part; the total never borrows one part's error.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { loadModel } from '../src/analyzer/load.ts';
import { buildReportInput } from '../src/report/build-input.ts';
import { renderReport } from '../src/report/render.ts';
import { evaluateTargets, DEFAULT_TARGETS, type TargetResult } from '../src/targets/evaluate.ts';
import { MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';

const CHROMIUM = '/usr/bin/chromium';
const U8_MODEL = join(MODELS_DIR, 'onnx_public/ort_testdata/conv_qdq_u8u8.onnx');
const INT8_MODEL = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const READY = existsSync(CHROMIUM) && existsSync(U8_MODEL) && existsSync(INT8_MODEL);
if (!READY) console.warn(`[report-memory-errors] needs ${CHROMIUM} and ../shared/models: skipped`);

/** The calibration table, read as data (not through the report code). */
interface TableEntry {
  target: string;
  errors: Record<string, { status: 'ok' | 'thin' | 'none'; summary?: { mapePct: number }; note: string }>;
}
const TABLE = JSON.parse(readFileSync(join(REPO_ROOT, 'data/calibration-error.json'), 'utf8')) as { targets: TableEntry[] };
const QUANTITY = { activations: 'activationRam', runtime: 'runtimeRam', weights: 'weightsFlash', code: 'codeFlash' } as const;
type Part = keyof typeof QUANTITY;

/** The table's error of one quantity on one target: a number, or null (status none / no figure). */
function tableError(target: string, part: Part): { pct: number | null; thin: boolean } {
  const e = TABLE.targets.find((t) => t.target === target)!.errors[QUANTITY[part]]!;
  return { pct: e.status === 'none' || !e.summary ? null : e.summary.mapePct, thin: e.status === 'thin' };
}

const pct = (v: number) => `± ${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

let browser: Browser;
beforeAll(async () => {
  if (!READY) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});
afterAll(async () => {
  await browser?.close();
});

async function openReport(modelPath: string, name: string): Promise<Page> {
  const dir = join(REPO_ROOT, 'test-output');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `report-${name}.html`);
  writeFileSync(path, renderReport(await buildReportInput(modelPath, { targets: [...DEFAULT_TARGETS] })));
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(pathToFileURL(resolve(path)).href, { waitUntil: 'load' });
  await page.locator('#summary table.targets').screenshot({ path: join(dir, `report-${name}-targets.png`) });
  return page;
}

const partText = (page: Page, target: string, part: Part) => page.locator(`tr[data-target="${target}"] li[data-part="${part}"]`).innerText();
/** The total line of a bar and the note under it (not the parts list). */
const totalText = (page: Page, target: string, memory: 'ram' | 'flash') =>
  page.locator(`tr[data-target="${target}"] .membar[data-memory="${memory}"]`).evaluate((bar) => [...bar.querySelectorAll('.memtext, .totalnote')].map((e) => (e as HTMLElement).innerText).join('\n'));

/** What each part line must say, from the calibration table and the targets module's result. */
async function expectPartsAsCalibrated(page: Page, r: TargetResult): Promise<void> {
  const mcu = r.class === 'mcu';
  for (const part of ['activations', 'runtime', 'weights', 'code'] as Part[]) {
    const text = await partText(page, r.id, part);
    if (!mcu && (part === 'runtime' || part === 'code')) {
      expect(text, `${r.id} ${part}`).toContain('not estimated');
      continue;
    }
    const { pct: e, thin } = tableError(r.id, part);
    if (e === null) {
      expect(text, `${r.id} ${part}`).toContain('± n/a');
      expect(text, `${r.id} ${part}`).toContain('no calibration for this target');
    } else {
      expect(text, `${r.id} ${part}`).toContain(pct(e));
      expect(text.includes('thin data'), `${r.id} ${part} thin`).toBe(thin);
    }
  }
}

describe.skipIf(!READY)('report: RAM and flash parts carry their own calibration error', () => {
  it('int8 TFLite (Yamnet 256): every part as the table says, totals derived from the parts', async () => {
    const results = evaluateTargets(analyzeModel(loadModel(INT8_MODEL)), [...DEFAULT_TARGETS]);
    const page = await openReport(INT8_MODEL, 'memory-errors-yamnet');
    for (const r of results) await expectPartsAsCalibrated(page, r);

    // H747: weights flash is exact in the table (0 %), code flash is not; the flash total is not "± 0.0 %"
    const h747 = results.find((r) => r.id === 'stm32h747i-disco')!;
    expect(h747.codeFlashBytes).toBeGreaterThan(0);
    const w = tableError('stm32h747i-disco', 'weights').pct!;
    const c = tableError('stm32h747i-disco', 'code').pct!;
    const flashTotal = await totalText(page, h747.id, 'flash');
    expect(flashTotal).toContain(`± ≈ ${pct((h747.weightBytes * w + h747.codeFlashBytes * c) / (h747.weightBytes + h747.codeFlashBytes)).slice(2)}`);
    expect(c).toBeGreaterThan(w);
    expect(flashTotal).not.toContain(pct(w));
    const a = tableError('stm32h747i-disco', 'activations').pct!;
    const rt = tableError('stm32h747i-disco', 'runtime').pct!;
    expect(await totalText(page, h747.id, 'ram')).toContain(
      `± ≈ ${pct((h747.activationBytes * a + h747.runtimeRamBytes * rt) / (h747.activationBytes + h747.runtimeRamBytes)).slice(2)}`,
    );

    // F769: no memory calibration at all: the totals say so rather than print a number
    for (const memory of ['ram', 'flash'] as const) {
      const total = await totalText(page, 'stm32f769i-disco', memory);
      expect(total).toContain('± n/a');
      expect(total).toContain('no calibration');
    }
    // N6 and MPUs: runtime RAM and code flash are not estimated, so the totals are lower bounds
    for (const id of ['stm32n6570-dk', 'stm32mp157f-dk2']) {
      expect(await totalText(page, id, 'ram')).toContain('total is a lower bound: runtime RAM not estimated');
      expect(await totalText(page, id, 'flash')).toContain('total is a lower bound: code not estimated');
    }
    await page.close();
  });

  it('uint8 ONNX: code flash is marked a lower bound where check notes it, and so is the flash total', async () => {
    const results = evaluateTargets(analyzeModel(loadModel(U8_MODEL)), [...DEFAULT_TARGETS]);
    const page = await openReport(U8_MODEL, 'memory-errors-u8');
    for (const r of results) {
      await expectPartsAsCalibrated(page, r);
      const noted = r.notes.some((n) => n.startsWith('code flash is a lower bound'));
      const code = await partText(page, r.id, 'code');
      expect(code.includes('lower bound'), `${r.id} code`).toBe(noted);
      if (noted) {
        expect(code).toContain('Conv (input uint8, weights uint8) ×1');
        expect(await totalText(page, r.id, 'flash')).toContain('total is a lower bound: code is a lower bound');
      }
    }
    expect(results.filter((r) => r.notes.some((n) => n.startsWith('code flash is a lower bound'))).map((r) => r.id)).toEqual(['stm32h747i-disco', 'stm32f769i-disco', 'b-u585i-iot02a']);
    await page.close();
  });
});
