/**
 * What a new user's walk-through found unclear in the HTML report, one block per finding: byte figures in notes,
 * the summary's "Fastest", the published rows' error figures and in-sample labels.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReportInput } from '../src/report/build-input.ts';
import { publishedQueryForFile } from '../src/report/published.ts';
import type { ReportInput } from '../src/report/types.ts';
import { MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';
import { formatBytes, formatMs, formatPct } from '../src/report/format.ts';
import { renderReport } from '../src/report/render.ts';
import { fixtureReportInput } from './fixtures/report-input.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');

/** Yamnet 256 (ST's own file) on the U5 and the N6, with ST's published rows: built once for the blocks below. */
let yamnet: Promise<ReportInput> | undefined;
const yamnetReport = () => (yamnet ??= buildReportInput(YAMNET, { targets: ['b-u585i-iot02a', 'stm32n6570-dk'], published: publishedQueryForFile(YAMNET)! }));

/** data/calibration-error.json, as `edgefit calibrate --write` stored it. */
const calibration = JSON.parse(readFileSync(join(REPO_ROOT, 'data/calibration-error.json'), 'utf8')) as {
  targets: { target: string; errors: Record<string, { summary?: { mapePct: number } }> }[];
};

/** The page without its inlined scripts' bodies. */
function markupOnly(html: string): string {
  return html.replace(/(<script[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2');
}

describe('byte figures in target notes', () => {
  it('a note\'s exact byte count is shown in the report\'s byte format', () => {
    const input = fixtureReportInput();
    const t = input.targets![0]!;
    t.notes = ['activations (917536 B) exceed DTCM + SRAM1 + SRAM2 (524288 B): the pool goes to FMC SDRAM'];
    const html = markupOnly(renderReport(input));
    expect(html).toContain(`activations (${formatBytes(917536)}) exceed DTCM + SRAM1 + SRAM2 (${formatBytes(524288)})`);
    expect(html).not.toContain('917536 B');
  });

  it('a published row\'s comparability note too', () => {
    const input = fixtureReportInput();
    input.published![0]!.comparabilityNote = "compared with that form of ours; check's N6 weights figure, the form of ST's other N6 rows, is 2472000 B";
    const html = markupOnly(renderReport(input));
    expect(html).toContain(`the form of ST&#39;s other N6 rows, is ${formatBytes(2472000)}</em>`);
  });
});

describe.skipIf(!existsSync(YAMNET))('published internal / external RAM rows carry an error figure or say why not', () => {
  it('Yamnet on the N6: internal RAM gets calibrate\'s N6 activation-RAM error (nothing external on either side), external RAM says it has none', async () => {
    const input = await yamnetReport();
    const n6Activation = calibration.targets.find((t) => t.target === 'stm32n6570-dk')!.errors.activationRam!.summary!.mapePct;
    const internal = input.published!.find((f) => f.targetId === 'stm32n6570-dk' && f.metric === 'internalRamBytes')!;
    const external = input.published!.find((f) => f.targetId === 'stm32n6570-dk' && f.metric === 'externalRamBytes')!;
    expect(external.publishedValue).toBe(0);
    expect(internal.predictedErrorPct).toBe(n6Activation);
    expect(internal.comparabilityNote).toContain("calibrate's activation-RAM error on this target");
    expect(external.predictedErrorPct).toBeNull();
    expect(external.comparabilityNote).toMatch(/^no calibrated error of its own/);
    const html = markupOnly(renderReport(input));
    expect(html).toMatch(/<td>internal RAM<\/td><td class="num">[\d.,]+ KiB<\/td><td class="num">[\d.,]+ KiB <span class="err"[^>]*>± [\d.]+ %<\/span>/);
  });
});

describe.skipIf(!existsSync(YAMNET))('a published latency row the prediction was fitted on is labelled in-sample', () => {
  it("Yamnet on the U5: the Cortex-M7 model × a ratio fitted on this row alone; calibrate has no held-out figure for it", async () => {
    const input = await yamnetReport();
    const u5 = input.published!.find((f) => f.targetId === 'b-u585i-iot02a' && f.metric === 'latencyMs')!;
    // the ratio is fitted on this one row: the prediction equals ST's figure (to the ratio's rounding)
    expect(Math.abs(u5.predictedValue! / u5.publishedValue - 1)).toBeLessThan(0.001);
    expect(u5.comparabilityNote).toBe("in-sample: this board's latency figure is the Cortex-M7 model × one ratio fitted on this row alone (the board's only published time of a model edgefit can analyze): the agreement is not a test of the prediction, and no held-out figure exists");
    expect(markupOnly(renderReport(input))).toContain('<br><em>in-sample: this board&#39;s latency figure is the Cortex-M7 model');
  });
});

describe('the summary\'s "Fastest" prefers a figure with an error', () => {
  /** The fixture with the N6 (the fastest, ± 14.2 %) made thin: a faster figure without an error. */
  function withThinFastest(): ReportInput {
    const input = fixtureReportInput();
    const n6 = input.targets!.find((t) => t.id === 'stm32n6570-dk')!;
    n6.latencyErrorPct = null;
    return input;
  }
  const verdict = (html: string) => /<p class="verdictline">([\s\S]*?)<\/p>/.exec(html)![1]!.replace(/<[^>]+>/g, '');

  it('a thin figure faster than every calibrated one is named beside the calibrated winner, as thin', () => {
    const input = withThinFastest();
    const timed = input.targets!.filter((t) => t.fits && t.latencyMs !== null);
    const calibrated = timed.filter((t) => t.latencyErrorPct !== null).sort((a, b) => a.latencyMs! - b.latencyMs!)[0]!;
    const thinFaster = timed.filter((t) => t.latencyErrorPct === null && t.latencyMs! < calibrated.latencyMs!).sort((a, b) => a.latencyMs! - b.latencyMs!);
    expect(thinFaster.map((t) => t.id)).toContain('stm32n6570-dk');
    const line = verdict(renderReport(input));
    expect(line).toContain(
      `Fastest with a calibrated error: ${calibrated.name}, ${formatMs(calibrated.latencyMs)} ± ${formatPct(calibrated.latencyErrorPct!)}; predicted faster, from thin data (no error figure): ${thinFaster.map((t) => `${t.name}, ${formatMs(t.latencyMs)}`).join('; ')}.`,
    );
  });

  it('every figure thin: the fastest is named, and said to be thin', () => {
    const input = fixtureReportInput();
    for (const t of input.targets!) t.latencyErrorPct = null;
    expect(verdict(renderReport(input))).toMatch(/Fastest: STM32N6570-DK, [\d.]+ ms \(thin data: no error figure\)\.$/);
  });

  it('calibrated fastest: unchanged wording', () => {
    expect(verdict(renderReport(fixtureReportInput()))).toMatch(/Fastest: STM32N6570-DK, [\d.]+ ms ± 14\.2 %\.$/);
  });
});
