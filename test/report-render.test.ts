/**
 * The report renderer without a browser: escaping, self-containment, absent sections, the live-bytes
 * curve, published-figure lookup (against ST's rows as copied in ../shared/calibration) and CLI parsing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResolutions } from '../src/cli/commands/report.ts';
import { toReportMemory, toReportTarget } from '../src/report/build-input.ts';
import { escapeHtml, jsonForScript } from '../src/report/escape.ts';
import { liveBytesPerStep } from '../src/report/page-data.ts';
import { findPublishedFigures } from '../src/report/published.ts';
import { renderReport } from '../src/report/render.ts';
import { CALIBRATION_DIR } from './helpers/shared.ts';
import { HOSTILE_NAME, fixtureReportInput } from './fixtures/report-input.ts';

/** The page without its three inlined scripts' bodies (chart.js legitimately contains '<' and '>'). */
function markupOnly(html: string): string {
  return html.replace(/(<script[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2');
}

describe('escaping', () => {
  it('escapes text for HTML', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });

  it('JSON for a script element has no <, >, & or line separators and parses back to the same value', () => {
    const value = { name: HOSTILE_NAME, other: '<!-- & \u2028 \u2029 -->', list: ['</script>', 1, null] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderReport', () => {
  it('keeps hostile model strings out of the markup: exactly three script elements, no img element', () => {
    const html = renderReport(fixtureReportInput({ hostileNames: true }));
    const markup = markupOnly(html);
    expect(markup.match(/<script/g)).toHaveLength(3);
    expect(markup.match(/<\/script>/g)).toHaveLength(3);
    expect(markup).not.toMatch(/<img/i);
    expect(markup).not.toContain('onerror="');
    // The names are there, escaped, in the static parts (summary, notes, warnings).
    expect(markup).toContain('models/&lt;b&gt;evil&lt;/b&gt;&amp;&quot;name&quot;.onnx');
    expect(markup).toContain('note with &lt;script&gt;window.__xss=4&lt;/script&gt;');
    // And in the embedded data, \u-escaped, never raw.
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(data).layers[0].name).toBe(HOSTILE_NAME);
  });

  it('is self-contained: no external script, style, image, font or link', () => {
    const html = renderReport(fixtureReportInput());
    const markup = markupOnly(html);
    expect(markup).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(markup).not.toMatch(/\bsrc\s*=/i);
    expect(markup).not.toMatch(/url\(/i);
    for (const [, href] of markup.matchAll(/href="([^"]*)"/g)) expect(href!.startsWith('#')).toBe(true);
    expect(html).not.toContain('sourceMappingURL');
    // chart.js is inlined (its banner names it)
    expect(html).toMatch(/Chart\.js v4\./);
  });

  it('says which sections are absent instead of drawing empty ones', () => {
    const full = fixtureReportInput();
    const html = renderReport({ generatedBy: 'test', analysis: full.analysis });
    expect(html).toContain('No target results');
    expect(html).toContain('No memory plan.');
    expect(html).toContain('No resolution sweep');
    expect(html).toContain('No published figure matches this model');
    expect(html).not.toContain('<canvas id="chart-live"');
    expect(html).not.toContain('<canvas id="chart-sweep-ram"');
    expect(html).toContain('<canvas id="chart-macs"');
  });

  it('shows every predicted latency and memory figure with its calibration error, or says there is none', () => {
    const input = fixtureReportInput();
    const markup = markupOnly(renderReport(input));
    const summary = markup.slice(markup.indexOf('id="summary"'), markup.indexOf('id="published"'));
    const rows = summary.split(/<tr[\s>]/).slice(2).map((r) => r.slice(0, r.indexOf('</tr>'))); // after the header row
    expect(rows).toHaveLength(input.targets!.length);
    for (const row of rows) {
      // RAM, flash and latency cells each carry "± x %" or "± n/a"
      expect(row.match(/± (\d[\d.,]* %|n\/a)/g)!.length).toBe(3);
    }
    expect(summary).toContain('± 5.8 %'); // H747 latency error of the fixture
    expect(summary).toContain('± n/a'); // MP157 has none
  });

  it('gives every latency of the resolution sweep its error, or "± n/a" where there is none', () => {
    const input = fixtureReportInput();
    const markup = markupOnly(renderReport(input));
    const sweep = markup.slice(markup.indexOf('id="resolutions"'), markup.indexOf('</table>', markup.indexOf('id="resolutions"')));
    const cells = sweep.split('<td class="').slice(1).map((c) => c.slice(0, c.indexOf('</td>')));
    const latencyCells = cells.filter((c) => / ms/.test(c));
    expect(latencyCells.length).toBe(input.targets!.filter((t) => t.latencyMs !== null).length * input.sweep!.length);
    // the fit table's form: "± 5.8 %" (ux10: was "±6 %" here)
    for (const c of latencyCells) expect(c).toMatch(/ ms <span class="err( none)?"[^>]*>± (n\/a|\d+\.\d %)<\/span>/);
    expect(latencyCells.some((c) => c.includes('± n/a'))).toBe(true); // MP157 has no error figure
  });

  it('opens the target table with a one-line verdict', () => {
    // fixture: the F769 profile has 96 KiB of RAM, less than the 176 KiB of activations
    const markup = markupOnly(renderReport(fixtureReportInput()));
    expect(markup).toContain('<strong>Fits 3 of 4 targets</strong>. Does not fit: STM32F769I-DISCO (internal RAM).');
    expect(markup).toMatch(/Fastest: STM32N6570-DK, 0\.406 ms <span class="err"[^>]*>± 14\.2 %<\/span>\./);
  });
});

describe('liveBytesPerStep', () => {
  it('sums the bytes of the buffers live at each step, both ends inclusive', () => {
    const { firstStep, liveBytes } = liveBytesPerStep({
      buffers: [
        { name: 'a', sizeBytes: 100, offsetBytes: 0, firstStep: 0, lastStep: 1 },
        { name: 'b', sizeBytes: 30, offsetBytes: 100, firstStep: 1, lastStep: 3 },
        { name: 'c', sizeBytes: 5, offsetBytes: 0, firstStep: 3, lastStep: 3 },
      ],
    });
    expect(firstStep).toBe(0);
    expect(liveBytes).toEqual([100, 130, 30, 35]);
  });

  it('counts bytes shared by buffers placed over each other (in-place kernels) once', () => {
    const { liveBytes } = liveBytesPerStep({
      buffers: [
        { name: 'in', sizeBytes: 100, offsetBytes: 0, firstStep: 0, lastStep: 1 },
        { name: 'out', sizeBytes: 100, offsetBytes: 20, firstStep: 1, lastStep: 2 },
      ],
    });
    expect(liveBytes).toEqual([100, 120, 100]);
  });

  it('equals the definition (union of the ranges of every buffer live at the step) on random plans', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let trial = 0; trial < 200; trial++) {
      const buffers = Array.from({ length: 1 + rand(12) }, (_, i) => {
        const first = rand(10);
        return { name: `t${i}`, sizeBytes: rand(4) === 0 ? 0 : 1 + rand(64), offsetBytes: rand(100), firstStep: first, lastStep: first + rand(5) };
      });
      const first = Math.min(...buffers.map((b) => b.firstStep));
      const last = Math.max(...buffers.map((b) => b.lastStep));
      const expected: number[] = [];
      for (let s = first; s <= last; s++) {
        const bytes = new Set<number>();
        for (const b of buffers) if (b.firstStep <= s && s <= b.lastStep) for (let x = b.offsetBytes; x < b.offsetBytes + b.sizeBytes; x++) bytes.add(x);
        expected.push(bytes.size);
      }
      expect(liveBytesPerStep({ buffers })).toEqual({ firstStep: first, liveBytes: expected });
    }
  });
});

describe('adapters', () => {
  it('maps a planner report with named schedules and a check result onto the report types', () => {
    const analysis = fixtureReportInput().analysis;
    const names = analysis.layers.map((l) => l.name);
    const memory = toReportMemory(
      {
        planners: {
          st: { strategy: 'st', peakBytes: 10, buffers: [{ name: 't', kind: 'scratch', sizeBytes: 10, offsetBytes: 0, firstStep: 0, lastStep: 0 }], inputBytes: 1, outputBytes: 1 },
          best: { strategy: 'greedy', exact: true, peakBytes: 8, buffers: [], schedule: [...names].reverse() },
          broken: { nothing: true },
        },
        lowerBoundBytes: 8,
      },
      analysis,
    )!;
    expect(Object.keys(memory.planners)).toEqual(['st', 'best']);
    expect(memory.planners.best!.schedule).toEqual(analysis.layers.map((l) => l.index).reverse());
    expect(memory.planners.best!.note).toBe('greedy, exact search');
    expect(memory.planners.st!.buffers[0]!.kind).toBe('scratch');
    expect(toReportMemory(undefined)).toBeUndefined();

    const t = toReportTarget({ id: 'x', fits: false, ram: { internalBytes: 5, externalBytes: 0, capacityBytes: 4, marginBytes: -1 }, latencyMs: 3, limitingMemory: 'ram' });
    expect(t).toMatchObject({ id: 'x', fits: false, latencyMs: 3, latencyErrorPct: null, limitingMemory: 'ram' });
    expect(t.flash).toEqual({ internalBytes: 0, externalBytes: 0, capacityBytes: 0, marginBytes: 0, errorPct: null });
  });
});

describe('published figures', () => {
  it('finds ST EfficientNet LC v1 (tf_flowers) rows with their source, newest release first', () => {
    const figures = findPublishedFigures({ arch: 'st_efficientnet_lc_v1', resolutions: [224], datasets: ['tf_flowers'] });
    const h747 = figures.filter((f) => f.targetId === 'stm32h747i-disco');
    // ST zoo 4.1 README, H747 at 224 px: 459.99 ms, 466.01 KiB activations, 505.29 KiB weights.
    expect(h747.find((f) => f.metric === 'latencyMs')!.publishedValue).toBe(459.99);
    expect(h747.find((f) => f.metric === 'activationRamBytes')!.publishedValue).toBeCloseTo(466.01 * 1024, 6);
    expect(h747.find((f) => f.metric === 'weightsFlashBytes')!.publishedValue).toBeCloseTo(505.29 * 1024, 6);
    for (const f of figures) {
      expect(f.resolution).toBe(224);
      expect(f.source.zooRelease).toBe('4.1');
      expect(f.source.table).toMatch(/README\.md@[0-9a-f]{40}$/);
    }
    expect(h747[0]!.board).toBe('STM32H747I-DISCO');
    // food101 (101-class) N6 rows are not like-for-like with a 5-class model
    expect(figures.some((f) => f.targetId === 'stm32n6570-dk')).toBe(false);
  });

  it.skipIf(!existsSync(join(CALIBRATION_DIR, 'published_mpu.csv')))('agrees with the shared calibration CSV for the MPU rows', () => {
    const shared = readFileSync(join(CALIBRATION_DIR, 'published_mpu.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('4.1,') && l.includes('ST EfficientNet LC v1') && l.includes('tf_flowers') && l.includes('128x128x3'));
    const figures = findPublishedFigures({ arch: 'st_efficientnet_lc_v1', resolutions: [128], datasets: ['tf_flowers'] }).filter((f) => f.metric === 'latencyMs');
    for (const board of ['STM32MP257F-DK2', 'STM32MP157F-DK2', 'STM32MP135F-DK2']) {
      const line = shared.find((l) => l.includes(`,${board},`))!;
      const ms = Number(line.split(',')[11]);
      expect(figures.find((f) => f.board === board)!.publishedValue).toBe(ms);
    }
  });
});

describe('report CLI parsing', () => {
  it('parses --resolutions and refuses bad lists with one clear line', () => {
    expect(parseResolutions('160, 96,128,96')).toEqual([96, 128, 160]);
    for (const bad of ['', 'abc', '96,,x', '4', '99999', '1.5']) expect(() => parseResolutions(bad)).toThrow(/--resolutions/);
  });
});
