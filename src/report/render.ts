/**
 * renderReport: one ReportInput → one self-contained HTML page (chart.js, script and styles inlined; no
 * request leaves the file when it is opened). Static text (summary, verdicts, sources) is rendered here with
 * every model-derived string escaped; the sortable table and the charts are drawn by the page script from
 * JSON embedded with `jsonForScript`, and that script writes names with textContent only.
 */
import { reportAssets } from './assets.ts';
import { escapeHtml as esc, jsonForScript } from './escape.ts';
import { formatByteFigures, formatBytes, formatCount, formatMs, formatPct, formatShape } from './format.ts';
import { buildPageData, targetLabel, type PageData } from './page-data.ts';
import { combinedError, PART_LABELS } from './memory-parts.ts';
import { formatInputSize } from './published.ts';
import type { PublishedFigure, ReportInput, ReportMemoryFit, ReportMemoryPart, ReportTargetResult, ResolutionPoint } from './types.ts';

function errorNote(errorPct: number | null | undefined): string {
  if (errorPct === null || errorPct === undefined || !Number.isFinite(errorPct)) {
    return '<span class="err none" title="No leave-one-model-out error available for this prediction">± n/a</span>';
  }
  return `<span class="err" title="Expected error: leave-one-model-out MAPE of the calibration">± ${esc(formatPct(errorPct))}</span>`;
}

function track(cls: string, usedBytes: number, capacityBytes: number, label: string): string {
  const scale = Math.max(capacityBytes, usedBytes, 1);
  const over = usedBytes > capacityBytes;
  const mark = over ? `<div class="cap" style="left:${((100 * capacityBytes) / scale).toFixed(2)}%" title="capacity"></div>` : '';
  return `<div class="trackrow"><span class="tlabel">${label}</span><div class="track${over ? ' over' : ''}" title="${esc(formatBytes(usedBytes))} of ${esc(formatBytes(capacityBytes))}"><div class="seg ${cls}" style="width:${((100 * usedBytes) / scale).toFixed(2)}%"></div>${mark}</div></div>`;
}

/** One part's expected error: its own quantity's LOO MAPE on this target, or why there is none. */
function partErrorNote(p: ReportMemoryPart): string {
  if (p.errorPct === null) {
    return `<span class="err none" title="The calibration table has no leave-one-model-out error for ${esc(PART_LABELS[p.name])} on this target">± n/a</span> <span class="calnote">no calibration for this target</span>`;
  }
  const thin = p.calibration === 'thin' ? ` <span class="calnote thin">thin data: ${esc(p.calibrationNote ?? 'few models')}</span>` : '';
  return `<span class="err" title="Expected error of ${esc(PART_LABELS[p.name])} on this target: leave-one-model-out MAPE of the calibration">± ${esc(formatPct(p.errorPct))}</span>${thin}`;
}

/** The parts of a demand, one line each with its own expected error (and lower-bound / not-estimated notes). */
function componentList(parts: ReportMemoryPart[]): string {
  const items = parts.map((p) => {
    const label = esc(PART_LABELS[p.name]);
    if (p.bytes === null) return `<li data-part="${p.name}" class="notest">${label}: <span class="calnote">not estimated for this target (not in the total)</span></li>`;
    const lb = p.lowerBound ? ` <span class="calnote lb">${p.calibration === 'thin' ? '· ' : ''}${esc(p.lowerBound)}</span>` : '';
    return `<li data-part="${p.name}">${label} <span class="pbytes">${p.lowerBound ? '≥ ' : ''}${esc(formatBytes(p.bytes))}</span> ${partErrorNote(p)}${lb}</li>`;
  });
  return `<ul class="parts components">${items.join('')}</ul>`;
}

/**
 * The total's expected error, derived from its parts': Σ bytes × error ÷ total (an estimate, not a bound:
 * memory-parts.ts combinedError), or "n/a" when a part has no calibration; and a line saying why, and what makes the total a lower bound.
 */
function totalError(parts: ReportMemoryPart[]): { span: string; note: string } {
  const c = combinedError(parts);
  const labels = (names: string[]) => names.map((n) => PART_LABELS[n as ReportMemoryPart['name']]).join(' and ');
  const said: string[] = [];
  if (c.errorPct === null) said.push(c.uncalibrated.length ? `no calibration of ${labels(c.uncalibrated)} for this target` : 'no calibrated part');
  else if (c.thin) said.push('thin data behind a part');
  const bounds = [
    ...parts.filter((p) => p.bytes !== null && p.bytes > 0 && p.lowerBound).map((p) => `${PART_LABELS[p.name]} is a lower bound`),
    ...c.notEstimated.map((n) => `${labels([n])} not estimated`),
  ];
  if (bounds.length) said.push(`total is a lower bound: ${bounds.join('; ')}`);
  const note = said.length ? `<div class="calnote totalnote${bounds.length || c.thin ? ' lb' : ''}">${esc(said.join(' · '))}</div>` : '';
  const span =
    c.errorPct === null
      ? `<span class="err none" title="No expected error for the total: ${esc(said[0] ?? '')}">± n/a</span>`
      : `<span class="err" title="Expected error of the total, from its parts' own errors: Σ part × its error ÷ total (an estimate, not a bound: each part's error is averaged over other published rows)">± ≈ ${esc(formatPct(c.errorPct))}</span>`;
  return { span, note };
}

/** "119.70 KiB free (23 %)" or "short by 45.56 KiB (9 %)": the room left in `capacityBytes`, or the shortfall. */
function roomWords(marginBytes: number, capacityBytes: number): string {
  const pct = formatPct(capacityBytes > 0 ? (100 * Math.abs(marginBytes)) / capacityBytes : 0, 0);
  return marginBytes >= 0 ? `${formatBytes(marginBytes)} free (${pct})` : `short by ${formatBytes(-marginBytes)} (${pct})`;
}

/**
 * The margin under a RAM / flash bar. When one memory holding the role binds before the role's whole capacity
 * (external memory included) does, its room leads, as check's cells give it: the H747's AXI SRAM at 23 % free
 * reads as such, not as "99 % of capacity" because of 32 MiB of SDRAM. The whole-role margin follows.
 */
function marginLine(fit: ReportMemoryFit, marginPct: number): string {
  const t = fit.tightest;
  if (!t || t.capacityBytes >= fit.capacityBytes) {
    return `<div class="margin ${fit.marginBytes < 0 ? 'neg' : 'pos'}">margin ${fit.marginBytes >= 0 ? '+' : '−'}${esc(formatBytes(Math.abs(fit.marginBytes)))} (${fit.marginBytes >= 0 ? '' : '−'}${esc(formatPct(Math.abs(marginPct), 0))} of capacity)</div>`;
  }
  return `<div class="margin ${t.marginBytes < 0 ? 'neg' : 'pos'}" data-tightest>${esc(`tightest, ${t.name}: ${roomWords(t.marginBytes, t.capacityBytes)}`)}</div>
  <div class="parts">${esc(`every memory it may use, external included: ${roomWords(fit.marginBytes, fit.capacityBytes)}`)}</div>`;
}

/**
 * RAM or flash demand against capacity. With internal and external memory, one bar each (internal use
 * against on-chip capacity, external use against the external memory), so a spill is visible at a glance.
 */
function memoryBar(kind: 'RAM' | 'Flash', fit: ReportMemoryFit): string {
  const used = fit.internalBytes + fit.externalBytes;
  const over = used > fit.capacityBytes;
  const marginPct = fit.capacityBytes > 0 ? (100 * fit.marginBytes) / fit.capacityBytes : 0;
  const internalCap = fit.internalCapacityBytes;
  const split = internalCap !== undefined && internalCap > 0 && internalCap < fit.capacityBytes;
  const bars = split
    ? track('internal', fit.internalBytes, internalCap, 'int') + track('external', fit.externalBytes, fit.capacityBytes - internalCap, 'ext')
    : track(fit.externalBytes > fit.internalBytes ? 'external' : 'internal', used, fit.capacityBytes, '');
  const where = split
    ? `<div class="parts">internal ${esc(formatBytes(fit.internalBytes))} of ${esc(formatBytes(internalCap))} · external ${esc(formatBytes(fit.externalBytes))} of ${esc(formatBytes(fit.capacityBytes - internalCap))}</div>`
    : fit.externalBytes > 0 && fit.internalBytes > 0
      ? `<div class="parts">internal ${esc(formatBytes(fit.internalBytes))} + external ${esc(formatBytes(fit.externalBytes))}</div>`
      : '';
  const parts = fit.components
    ? componentList(fit.components)
    : fit.parts
      ? `<div class="parts">${Object.entries(fit.parts)
          .map(([k, v]) => `${esc(k)} ${esc(formatBytes(v))}`)
          .join(' · ')}</div>`
      : '';
  const total = fit.components ? totalError(fit.components) : { span: errorNote(fit.errorPct), note: '' };
  return `<div class="membar${over ? ' over' : ''}" data-memory="${kind === 'RAM' ? 'ram' : 'flash'}" role="img" aria-label="${kind} ${esc(formatBytes(used))} of ${esc(formatBytes(fit.capacityBytes))}">
  ${bars}
  <div class="memtext"><strong>${esc(formatBytes(used))}</strong> ${total.span} of ${esc(formatBytes(fit.capacityBytes))}${!split && fit.externalBytes > 0 && fit.internalBytes === 0 ? ' (external)' : ''}</div>${total.note}
  ${marginLine(fit, marginPct)}${where}${parts}
</div>`;
}

function targetRow(t: ReportTargetResult): string {
  const verdict = t.fits ? '<span class="verdict fits">fits</span>' : '<span class="verdict nofit">does not fit</span>';
  const notes = t.notes && t.notes.length ? `<ul class="tnotes">${t.notes.map((n) => `<li>${esc(formatByteFigures(n))}</li>`).join('')}</ul>` : '';
  return `<tr data-target="${esc(t.id)}">
  <th scope="row"><div class="tname">${esc(targetLabel(t))}</div>${t.engine ? `<div class="engine">${esc(t.engine)}</div>` : ''}</th>
  <td>${verdict}${t.limitingMemory ? (t.fits ? `<div class="limiting ok">tightest: ${esc(t.limitingMemory)}</div>` : `<div class="limiting">limited by ${esc(t.limitingMemory)}</div>`) : ''}</td>
  <td>${memoryBar('RAM', t.ram)}</td>
  <td>${memoryBar('Flash', t.flash)}</td>
  <td class="lat"><strong>${esc(formatMs(t.latencyMs))}</strong> ${t.latencyMs === null ? '' : errorNote(t.latencyErrorPct)}${notes}</td>
</tr>`;
}

/**
 * The activation-RAM error beside the ST plan's figure: the activations part's own error on the first target that
 * has one (the ST plan is the MCU figure), or the RAM total's for an input without parts.
 */
function activationError(input: ReportInput): string {
  const errors = (input.targets ?? []).map((t) => (t.ram.components ? (t.ram.components.find((p) => p.name === 'activations')?.errorPct ?? null) : (t.ram.errorPct ?? null)));
  return errorNote(errors.find((e) => typeof e === 'number') ?? null);
}

/** One sentence above the target table: how many targets fit, which spill to external memory, the fastest. */
function verdictLine(targets: ReportTargetResult[]): string {
  const fitting = targets.filter((t) => t.fits);
  const spill = fitting.filter((t) => t.ram.externalBytes > 0 && (t.ram.internalCapacityBytes ?? 0) > 0);
  const timed = fitting.filter((t) => t.latencyMs !== null).sort((a, b) => a.latencyMs! - b.latencyMs!);
  const parts = [`<strong>Fits ${fitting.length} of ${targets.length} target${targets.length === 1 ? '' : 's'}</strong>.`];
  const nofit = targets.filter((t) => !t.fits);
  if (nofit.length) parts.push(`Does not fit: ${nofit.map((t) => `${esc(targetLabel(t))}${t.limitingMemory ? ` (${esc(t.limitingMemory)})` : ''}`).join(', ')}.`);
  if (spill.length) parts.push(`Activations need external RAM on ${spill.map((t) => esc(targetLabel(t))).join(', ')}.`);
  // a figure without an error (thin data) does not win "fastest" over calibrated ones: it is named beside them, as thin
  const calibrated = timed.filter((t) => t.latencyErrorPct !== null);
  const thinNote = (t: ReportTargetResult) => `${esc(targetLabel(t))}, ${esc(formatMs(t.latencyMs))} <span class="err none" title="No leave-one-model-out error for this prediction">(thin data: no error figure)</span>`;
  if (calibrated.length) {
    const best = calibrated[0]!;
    const thinFaster = timed.filter((t) => t.latencyErrorPct === null && t.latencyMs! < best.latencyMs!);
    parts.push(
      `Fastest${thinFaster.length ? ' with a calibrated error' : ''}: ${esc(targetLabel(best))}, ${esc(formatMs(best.latencyMs))} ${errorNote(best.latencyErrorPct)}${thinFaster.length ? `; predicted faster, from thin data <span class="err none" title="No leave-one-model-out error for these predictions">(no error figure)</span>: ${thinFaster.map((t) => `${esc(targetLabel(t))}, ${esc(formatMs(t.latencyMs))}`).join('; ')}` : ''}.`,
    );
  } else if (timed.length) parts.push(`Fastest: ${thinNote(timed[0]!)}.`);
  return `<p class="verdictline">${parts.join(' ')}</p>`;
}

function summarySection(input: ReportInput): string {
  const a = input.analysis;
  const m = a.model;
  const io = (list: typeof m.inputs): string => list.map((t) => `${esc(t.name)} <span class="muted">${esc(t.dtype)} ${esc(formatShape(t.shape))}</span>`).join('<br>');
  const st = input.memory?.planners.st;
  const best = input.memory?.planners.best;
  const facts: [string, string][] = [
    ['Model', esc(m.path)],
    ...(input.modelOrigin ? ([['Origin', esc(input.modelOrigin)]] as [string, string][]) : []),
    ['Format', `${esc(m.format)} · ${esc(formatBytes(m.fileBytes))} file · producer ${esc(m.producer || '—')} · opsets ${esc(Object.entries(m.opsets).map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', ') || '—')}`],
    ['Inputs', io(m.inputs) || '—'],
    ['Outputs', io(m.outputs) || '—'],
    ['Layers', esc(String(a.layers.length))],
    ['MACs', `${esc(formatCount(a.totals.macsConvDense))} <span class="muted">conv/dense · ${esc(formatCount(a.totals.macs))} all ops · ST MACC ${esc(formatCount(a.totals.stMacc))}</span>`],
    ['Parameters', esc(formatCount(a.totals.params))],
    ['Weights', `${esc(formatBytes(a.totals.weightBytes))} <span class="muted">kernels + biases · ${esc(formatBytes(a.totals.quantParamBytes))} scales/zero points · ${esc(formatBytes(a.totals.fileConstBytes))} constants in file</span>`],
    [
      'Activation RAM',
      st
        ? `${esc(formatBytes(st.peakBytes))} ${activationError(input)} <span class="muted">as ST allocates${best ? ` · best achievable ${esc(formatBytes(best.peakBytes))}` : ''} · lower bound ${esc(formatBytes(input.memory!.lowerBoundBytes))}</span>`
        : a.totals.activationPeakBytes !== undefined
          ? esc(formatBytes(a.totals.activationPeakBytes))
          : '<span class="absent-inline">no memory plan</span>',
    ],
  ];
  const partial = a.partial ? '<p class="warn">Partial analysis: some figures are missing or guessed (see warnings below).</p>' : '';
  const targets = input.targets && input.targets.length
    ? `${verdictLine(input.targets)}<table class="targets"><thead><tr><th scope="col">Target</th><th scope="col">Verdict</th><th scope="col">RAM (activations + runtime)</th><th scope="col">Flash (weights + code)</th><th scope="col">Latency</th></tr></thead><tbody>
${input.targets.map(targetRow).join('\n')}
</tbody></table>
<p class="legend"><span class="sw internal"></span> internal <span class="sw external"></span> external memory; bars are drawn against the target's capacity. Each part (activations, runtime RAM; weights, code) carries its own expected error: "± x %" is the leave-one-model-out error of that quantity on that target in the calibration table ("thin data": fewer models than a fit needs); "± n/a" means no published data backs it. A total's "± ≈ x %" is its parts' errors weighted by their bytes, an estimate, not a bound; "≥" and "lower bound" mark figures that leave something out.</p>`
    : '<p class="absent">No target results: run with <code>--target</code> to check this model against STM32 targets.</p>';
  return `<section id="summary"><h2>Summary</h2>${partial}
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
<h3>Fit per target</h3>
${targets}
</section>`;
}

/** What each published metric is called, in the report's table and the demo's summary line. */
export const METRIC_LABELS: Record<PublishedFigure['metric'], string> = {
  latencyMs: 'inference time',
  activationRamBytes: 'activation RAM',
  weightsFlashBytes: 'weights flash',
  internalRamBytes: 'internal RAM',
  externalRamBytes: 'external RAM',
  totalRamBytes: 'total RAM',
  totalFlashBytes: 'total flash',
};

/** Published tables print KiB with two decimals; show both columns that way so they compare digit by digit. */
function formatMetric(metric: PublishedFigure['metric'], value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (metric === 'latencyMs') return formatMs(value);
  return `${(value / 1024).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} KiB`;
}

/** 'zoo 4.1' and the table as path@commit; in tables shortened to the last two path parts and 8 hex digits. */
function sourceCell(zooRelease: string, table: string, full = false): string {
  const at = table.lastIndexOf('@');
  let short = table;
  if (!full && at > 0) {
    const path = table.slice(0, at);
    const commit = table.slice(at + 1);
    const tail = path.split(/[/:]/).slice(-2).join('/');
    short = `${tail}@${commit.slice(0, 8)}${commit.length > 8 ? '…' : ''}`;
  }
  return `<span class="rel">zoo ${esc(zooRelease)}</span> <code title="${esc(table)}">${esc(short)}</code>`;
}

function publishedSection(input: ReportInput): string {
  const figures = input.published ?? [];
  const body = figures.length
    ? `<table class="published"><thead><tr><th>Board</th><th>Res.</th><th>Metric</th><th class="num">Published</th><th class="num">edgefit</th><th class="num">Difference</th><th>Published row</th><th>Source (release, table)</th></tr></thead><tbody>
${figures
  .map((f) => {
    const rawDiff = f.predictedValue !== null && f.predictedValue !== undefined && f.publishedValue !== 0 ? (100 * (f.predictedValue - f.publishedValue)) / f.publishedValue : null;
    const diff = rawDiff !== null && Math.abs(rawDiff) < 0.05 ? 0 : rawDiff;
    const err = f.predictedValue !== null && f.predictedValue !== undefined ? ` ${errorNote(f.predictedErrorPct)}` : '';
    return `<tr><td class="board">${esc(f.board)}</td><td>${f.resolution ?? (f.inputSize ? esc(formatInputSize(f.inputSize)) : '—')}</td><td>${esc(METRIC_LABELS[f.metric])}</td><td class="num">${esc(formatMetric(f.metric, f.publishedValue))}</td><td class="num">${esc(formatMetric(f.metric, f.predictedValue))}${err}</td><td class="num">${diff === null ? '—' : `${diff >= 0 ? '+' : ''}${esc(formatPct(diff))}`}</td><td>${esc(f.row)}${f.comparable === false || f.comparabilityNote ? `<br><em>${esc(formatByteFigures(f.comparabilityNote ?? 'not like for like'))}</em>` : ''}</td><td>${sourceCell(f.source.zooRelease, f.source.table)}</td></tr>`;
  })
  .join('\n')}
</tbody></table>`
    : '<p class="absent">No published figure matches this model: ST publishes benchmark tables for its model-zoo files only.</p>';
  return `<section id="published"><h2>Published by ST vs edgefit</h2>
<p class="intro">Figures STMicroelectronics publishes in the STM32 model zoo for this network, beside edgefit's prediction (with its error). Figures are copied as printed (KiB = 1,024 bytes); what each row describes and how it compares is in <a href="#sources">Sources and notes</a>.</p>
${body}</section>`;
}

function chartFigure(id: string, title: string, caption: string, present: boolean, absentText: string, tall = false): string {
  const body = present
    ? `<div class="chartbox${tall ? ' tall' : ''}"><canvas id="${id}" aria-label="${esc(title)}"></canvas></div>`
    : `<p class="absent">${esc(absentText)}</p>`;
  return `<figure class="chart" data-chart="${id}"><h3>${esc(title)}</h3>${body}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function layersSection(): string {
  return `<section id="layers"><h2>Layers</h2>
<p class="intro">One row per fused layer (what the runtime executes as one kernel). Click a column header to sort; click again to reverse.</p>
<div class="tablewrap"><table id="layer-table" class="layers"><thead></thead><tbody></tbody></table></div>
<noscript><p class="absent">The layer table needs JavaScript.</p></noscript>
</section>`;
}

function latencyFigure(data: PageData, hasLayerLatency: boolean): string {
  const options = data.targets
    .filter((t) => t.layerLatencyMs !== null)
    .map((t) => `<option value="${esc(t.id)}">${esc(t.label)}</option>`)
    .join('');
  const select = hasLayerLatency ? `<label class="plansel">Target <select id="latency-target-select">${options}</select></label>` : '';
  const body = hasLayerLatency
    ? '<div class="chartbox"><canvas id="chart-latency" aria-label="Predicted latency per layer"></canvas></div>'
    : `<p class="absent">${data.targets.length ? 'No per-layer latency: the target results give totals only.' : 'No target results.'}</p>`;
  return `<figure class="chart" data-chart="chart-latency"><h3>Predicted latency per layer ${select}</h3>${body}<figcaption>Predicted time of each layer on the selected target, coloured by layer kind: the calibrated linear model applied to each layer\'s work, with the whole model\'s memory placement. Layers plus the per-inference overhead add up to the latency in the summary; its error applies to the total, not to single layers.</figcaption></figure>`;
}

function chartsSection(data: PageData): string {
  const hasLayerLatency = data.targets.some((t) => t.layerLatencyMs !== null);
  const mem = data.memory;
  const hasBuffers = !!mem && mem.plans.some((p) => p.buffers.length > 0);
  const planSelect = hasBuffers
    ? `<label class="plansel">Plan <select id="buffer-plan-select">${mem!.plans
        .filter((p) => p.buffers.length > 0)
        .map((p) => `<option value="${esc(p.name)}">${esc(p.name)}</option>`)
        .join('')}</select></label>`
    : '';
  return `<section id="charts"><h2>Charts</h2>
<div class="grid">
${chartFigure('chart-macs', 'MACs per layer', 'Multiply-accumulates of each layer in schedule order (element operations for non-conv layers), coloured by layer kind. Hover a bar for the layer name.', data.layers.length > 0, 'No layers.')}
${latencyFigure(data, hasLayerLatency)}
${chartFigure('chart-live', 'Activation memory over the schedule', 'Arena bytes in use at each step of the schedule (buffers live at that step; bytes shared by in-place kernels counted once), per plan; the peak is marked. Dashed: arena size of the ST plan, and the lower bound on any plan of this schedule.', !!mem && mem.plans.length > 0, 'No memory plan.')}
${chartFigure('chart-planners', 'ST plan vs best achievable', 'Peak activation RAM (arena size) of each planner: as ST allocates, other allocation strategies, and the best achievable after re-ordering layers. Lower bound: bytes resident at the busiest step of the model\'s own order; no allocator can use less on that schedule.', !!mem && mem.plans.length > 0, 'No memory plan.')}
</div>
<figure class="chart wide" data-chart="chart-buffers"><h3>Buffer plan ${planSelect}</h3>${
    hasBuffers
      ? '<div class="chartbox tall"><canvas id="chart-buffers" aria-label="Buffer plan"></canvas></div>'
      : '<p class="absent">No memory plan.</p>'
  }<figcaption>One box per activation buffer: horizontal extent = steps during which it is live, vertical extent = its bytes in the arena (offset to offset + size). Boxes never overlap in a valid plan; the top of the highest box is the arena size. Hover a box for the tensor name.</figcaption></figure>
</section>`;
}

function sweepCell(t: ReportTargetResult | undefined): string {
  if (!t) return '<td>—</td>';
  const ram = t.ram.internalBytes + t.ram.externalBytes;
  // as the fit table: the same "± 6.8 %" (not "±7 %" here and "± 6.8 %" there), and "± n/a" without an error figure
  const err = t.latencyMs === null ? '' : ` ${errorNote(t.latencyErrorPct)}`;
  const spill = t.ram.externalBytes > 0 ? ' <span class="muted">(external RAM)</span>' : '';
  return `<td class="${t.fits ? 'okc' : 'badc'}"><span class="mark">${t.fits ? '✓' : '✗'}</span> ${esc(formatMs(t.latencyMs))}${err}<div class="sub">RAM ${esc(formatBytes(ram))}${spill}</div></td>`;
}

/** The sweep sizes left out, each with why (the file fixes a shape for its own input size). */
function sweepFailuresList(input: ReportInput): string {
  const failures = input.sweepFailures ?? [];
  if (!failures.length) return '';
  return `<div class="absent sweep-failures">Not analysed at ${failures.map((f) => `${f.resolution}×${f.resolution}`).join(', ')} px:<ul>${failures.map((f) => `<li>${esc(f.message)}</li>`).join('')}</ul></div>`;
}

function sweepSection(input: ReportInput, data: PageData): string {
  if (!data.sweep) {
    const absent = input.sweepFailures?.length
      ? sweepFailuresList(input)
      : '<p class="absent">No resolution sweep: run <code>edgefit report &lt;model&gt; --resolutions 96,128,160</code> to see RAM, flash and latency versus input size.</p>';
    return `<section id="resolutions"><h2>Resolutions</h2>${absent}</section>`;
  }
  const points = [...input.sweep!].sort((a, b) => a.resolution - b.resolution);
  const head = points.map((p) => `<th>${p.resolution}×${p.resolution}</th>`).join('');
  const modelRows = [
    ['MACs', (p: ResolutionPoint) => formatCount(p.macs)],
    ['Weights', (p: ResolutionPoint) => formatBytes(p.weightBytes)],
    ['Activation RAM', (p: ResolutionPoint) => (p.activationPeakBytes === undefined ? '—' : formatBytes(p.activationPeakBytes))],
  ] as const;
  const table = `<table class="sweep"><thead><tr><th>Resolution</th>${head}</tr></thead><tbody>
${modelRows.map(([label, f]) => `<tr class="model"><th scope="row">${label}</th>${points.map((p) => `<td>${esc(f(p))}</td>`).join('')}</tr>`).join('\n')}
${data.sweep.series
  .map((s) => `<tr><th scope="row">${esc(s.label)}</th>${points.map((p) => sweepCell(p.targets.find((t) => t.id === s.id))).join('')}</tr>`)
  .join('\n')}
</tbody></table>`;
  const caption =
    'Solid: what the model needs on each target. Dashed, same colour: the target\'s internal (on-chip) capacity for it, or its total capacity where it has no internal memory for that role (MPU DDR). Above the dashed line, the model spills to external memory or does not fit (see the table). Log scale; capacities more than 16× the need are off the top.';
  return `<section id="resolutions"><h2>Resolutions</h2>
<p class="intro">The same network analysed at each input resolution: per target, ✓ fits / ✗ does not fit, predicted latency with its error, and the RAM it needs.</p>
${table}
${sweepFailuresList(input)}
<div class="grid grid3">
${chartFigure('chart-sweep-ram', 'RAM versus resolution', caption, data.sweep.series.length > 0, 'No target results: RAM against capacity needs target verdicts.')}
${chartFigure('chart-sweep-flash', 'Flash versus resolution', caption, data.sweep.series.length > 0, 'No target results: flash against capacity needs target verdicts.')}
${chartFigure('chart-sweep-latency', 'Latency versus resolution', 'Predicted inference time per target (log scale).', data.sweep.series.some((s) => s.latencyMs.some((v) => v !== null)), data.sweep.series.length ? 'No latency predictions.' : 'No target results: no latency predictions.')}
</div></section>`;
}

function sourcesSection(input: ReportInput): string {
  const cal = input.calibrationSources ?? [];
  const releases = [...new Set(cal.map((s) => s.zooRelease))];
  const calList = cal.length
    ? `<details><summary>${cal.length} published tables (zoo releases ${esc(releases.join(', '))}) hold the rows the latency and memory models of these targets were fitted on; errors are leave-one-model-out.</summary><ul class="sources">${cal.map((s) => `<li>${sourceCell(s.zooRelease, s.table, true)}</li>`).join('')}</ul></details>`
    : '<p class="absent">No calibration sources listed.</p>';
  const pubSources = [...new Map((input.published ?? []).map((f) => [`${f.source.zooRelease}|${f.source.table}`, f.source])).values()];
  const notes = input.notes ?? [];
  const warnings = input.analysis.warnings;
  return `<section id="sources"><h2>Sources and notes</h2>
<h3>Published figures shown in this report</h3>
${pubSources.length ? `<ul>${pubSources.map((s) => `<li>${sourceCell(s.zooRelease, s.table, true)}</li>`).join('')}</ul>` : '<p class="absent">None.</p>'}
<p class="muted">Tables from the STM32 AI model zoo (github.com/STMicroelectronics/stm32ai-modelzoo), data © STMicroelectronics, copied as published.</p>
<h3>Calibration</h3>
${calList}
${notes.length ? `<h3>Notes</h3><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${warnings.length ? `<h3>Analyzer warnings</h3><ul class="warnings">${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
</section>`;
}

export function renderReport(input: ReportInput): string {
  const assets = reportAssets();
  const data = buildPageData(input);
  const title = input.title ?? `edgefit report: ${input.analysis.model.path}`;
  const stamp = input.generatedAt ? ` on ${esc(input.generatedAt)}` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${assets.css}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="byline">Generated by ${esc(input.generatedBy)}${stamp}. Predictions carry their calibration error; published figures name their source.</p>
<nav><a href="#summary">Summary</a><a href="#published">Published</a><a href="#layers">Layers</a><a href="#charts">Charts</a><a href="#resolutions">Resolutions</a><a href="#sources">Sources</a></nav></header>
<main>
${summarySection(input)}
${publishedSection(input)}
${chartsSection(data)}
${sweepSection(input, data)}
${layersSection()}
${sourcesSection(input)}
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${assets.chartJs}</script>
<script>${assets.pageJs}</script>
</body>
</html>
`;
}
