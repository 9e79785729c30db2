/**
 * What a new user's walk-through found unclear in the HTML report, one block per finding: byte figures in notes,
 * the summary's "Fastest", the published rows' error figures and in-sample labels.
 */
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../src/report/format.ts';
import { renderReport } from '../src/report/render.ts';
import { fixtureReportInput } from './fixtures/report-input.ts';

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
