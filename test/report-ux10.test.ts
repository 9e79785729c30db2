/**
 * Session 10's new-user walk-through of the HTML report (test/report-newuser.test.ts holds session 9's): the margin
 * under each RAM / flash bar gives the room of the memory that binds, as check's cells do. Fails on main b1ebf9e,
 * where it read "margin +32.4 MiB (99 % of capacity)" for activations filling three quarters of the H747's AXI SRAM.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReportInput } from '../src/report/build-input.ts';
import { formatBytes, formatPct } from '../src/report/format.ts';
import { renderReport } from '../src/report/render.ts';
import { captureCli } from './helpers/cli-capture.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { fixtureReportInput } from './fixtures/report-input.ts';

const EFF224 = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet/st_efficientnet_lc_v1_224_tfs_int8.tflite');

const cli = captureCli();

interface Memory { id: string; name: string; kind: string; capacityBytes: number; usedBytes: number }

/** The text of the report's RAM or flash cell of one target (markup stripped). */
function cellText(html: string, targetId: string, memory: 'ram' | 'flash'): string {
  const row = html.split(`<tr data-target="${targetId}">`)[1]!.split('</tr>')[0]!;
  const cell = row.split(`data-memory="${memory}"`)[1]!.split('</td>')[0]!;
  return cell.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/&amp;/g, '&');
}

describe.skipIf(!HAVE_SHARED)('report: the margin under a bar is the room of the memory that binds, as in check', () => {
  it("EfficientNet LC 224 on the H747: the AXI SRAM's room leads (23 % free), the whole role's (SDRAM included) follows", async () => {
    expect(await cli.run('check', EFF224, '-t', 'H747', '-t', 'MP157', '--json')).toBe(0);
    const [h747, mp157] = JSON.parse(cli.out).targets as { memories: Memory[]; ram: { capacityBytes: number; marginBytes: number } }[];
    cli.out = '';
    expect(await cli.run('check', EFF224, '-t', 'H747')).toBe(0);
    const checkCell = cli.out.split('\n').find((l) => l.startsWith('│ STM32H747I-DISCO'))!;

    const html = renderReport(await buildReportInput(EFF224, { targets: ['stm32h747i-disco', 'stm32mp157f-dk2'] }));
    // oracle: the AXI SRAM entry of check --json's memories[] (what check's RAM cell is made of)
    const axi = h747!.memories.find((m) => m.name === 'AXI SRAM (D1)')!;
    const free = axi.capacityBytes - axi.usedBytes;
    const pct = (100 * free) / axi.capacityBytes;
    expect(checkCell).toContain(`(+${pct.toFixed(0)}%)`); // 23 %: the figure check prints
    const ram = cellText(html, 'stm32h747i-disco', 'ram');
    expect(ram).toContain(`tightest, AXI SRAM (D1): ${formatBytes(free)} free (${formatPct(pct, 0)})`);
    // the whole role's margin, SDRAM included, is still there, said for what it is
    expect(ram).toContain(`every memory it may use, external included: ${formatBytes(h747!.ram.marginBytes)} free`);
    expect(ram).not.toContain('of capacity');
    // an MPU's one memory (DDR) is the whole role: the margin as before
    const ddr = cellText(html, 'stm32mp157f-dk2', 'ram');
    expect(ddr).toContain(`margin +${formatBytes(mp157!.ram.marginBytes)}`);
    expect(ddr).not.toContain('tightest');
  });
});

describe('report: the resolution table gives a latency error as the fit table does', () => {
  it('fixture sweep: each target\'s "± x %" in the Resolutions table equals the one beside its latency in the fit table', () => {
    const html = renderReport(fixtureReportInput({ sweep: [96, 128, 160] }));
    const resolutions = html.split('<section id="resolutions">')[1]!.split('</section>')[0]!;
    const fitTable = html.split('<section id="resolutions">')[0]!;
    for (const [id, pct] of [['stm32h747i-disco', 5.8], ['stm32f769i-disco', 6.9], ['stm32n6570-dk', 14.2]] as const) {
      const shown = `± ${formatPct(pct)}`; // "± 5.8 %": one decimal, as the fit table
      expect(fitTable.split(`<tr data-target="${id}">`)[1]!.split('</tr>')[0]).toContain(shown);
      expect(resolutions, id).toContain(shown);
    }
    expect(resolutions).not.toMatch(/±\d+ %/); // "±6 %": the rounded form the fit table never prints
  });
});
