// edgefit report page script: draws the layer table and the charts from the JSON in #report-data.
// Model-derived strings are written with textContent (DOM) or drawn on canvas (chart.js): never parsed as HTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var KIB = 1024, MIB = 1024 * 1024, GIB = 1024 * 1024 * 1024;

  function grouped(v, d) {
    return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function fmtBytes(b) {
    if (b === null || b === undefined || !isFinite(b)) return '—';
    var a = Math.abs(b);
    // the CLI's rule (src/cli/format/numbers.ts formatBytes, src/report/format.ts): MiB from 1 MiB, two decimals
    if (a < KIB) return grouped(b, 0) + ' B';
    if (a < MIB) return (b / KIB).toFixed(2) + ' KiB';
    if (a < GIB) return (b / MIB).toFixed(2) + ' MiB';
    return (b / GIB).toFixed(2) + ' GiB';
  }
  function fmtCount(n) {
    if (n === null || n === undefined || !isFinite(n)) return '—';
    var a = Math.abs(n);
    if (a >= 1e9) return grouped(n / 1e9, 2) + ' G';
    if (a >= 1e6) return grouped(n / 1e6, 2) + ' M';
    if (a >= 1e4) return grouped(n / 1e3, 1) + ' k';
    return grouped(n, 0);
  }
  function fmtMs(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '—';
    if (ms >= 100) return grouped(ms, 1) + ' ms';
    if (ms >= 1) return grouped(ms, 2) + ' ms';
    return String(Number(ms.toPrecision(3))) + ' ms';
  }
  // Axis labels: as many digits as the value has (1, 2, 5, 10, 20 … ms), not fmtMs's fixed decimals ("20.00 ms").
  function tickMs(ms) { return String(Number(Number(ms).toPrecision(3))) + ' ms'; }
  function shapes(list) {
    return list.map(function (s) { return s.length ? s.join('×') : 'scalar'; }).join(', ');
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // ---------- layer table ----------
  function buildTable() {
    var table = document.getElementById('layer-table');
    if (!table) return;
    var columns = [
      { label: '#', num: true, value: function (l) { return l.index; } },
      { label: 'Op', value: function (l) { return l.op; } },
      { label: 'Name', value: function (l) { return l.name; }, cls: 'name' },
      { label: 'Input shapes', value: function (l) { return shapes(l.inputShapes); }, cls: 'shape' },
      { label: 'Output shapes', value: function (l) { return shapes(l.outputShapes); }, cls: 'shape' },
      { label: 'Dtypes', value: function (l) { return l.dtypes; }, cls: 'dt' },
      { label: 'MACs', num: true, value: function (l) { return l.macs; }, text: function (l) { return fmtCount(l.macs) + (l.macsUnit === 'op' ? ' ops' : ''); } },
      { label: 'Params', num: true, value: function (l) { return l.params; }, text: function (l) { return fmtCount(l.params); } },
      { label: 'Weight bytes', num: true, value: function (l) { return l.weightBytes; }, text: function (l) { return fmtBytes(l.weightBytes); } },
      { label: 'Output bytes', num: true, value: function (l) { return l.outputBytes; }, text: function (l) { return fmtBytes(l.outputBytes); } },
    ];
    data.targets.forEach(function (t) {
      if (!t.layerLatencyMs) return;
      columns.push({
        label: t.label + ' ms',
        cls: 'tcol',
        num: true,
        title: 'Predicted time on ' + t.label + (t.latencyErrorPct !== null ? ' (±' + grouped(t.latencyErrorPct, 1) + ' % on the total)' : ''),
        value: function (l) { return t.layerLatencyMs[l.index]; },
        text: function (l) { return fmtMs(t.layerLatencyMs[l.index]).replace(' ms', ''); },
      });
    });
    var thead = table.tHead, tbody = table.tBodies[0];
    var headRow = document.createElement('tr');
    columns.forEach(function (c, ci) {
      var th = el('th', null, (c.num ? 'num ' : '') + (c.cls === 'tcol' ? 'tcol' : ''));
      var button = el('button', c.label, 'sort');
      button.type = 'button';
      if (c.title) button.title = c.title;
      th.appendChild(button);
      th.setAttribute('aria-sort', 'none');
      th.scope = 'col';
      button.addEventListener('click', function () { sortBy(ci); });
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);
    var rows = data.layers.map(function (l) {
      var tr = document.createElement('tr');
      columns.forEach(function (c) {
        var text = c.text ? c.text(l) : String(c.value(l));
        var td = el('td', text, (c.num ? 'num ' : '') + (c.cls || ''));
        tr.appendChild(td);
      });
      return { layer: l, tr: tr };
    });
    rows.forEach(function (r) { tbody.appendChild(r.tr); });
    var state = { column: 0, dir: 1 };
    headRow.children[0].setAttribute('aria-sort', 'ascending');
    function sortBy(ci) {
      state.dir = state.column === ci ? -state.dir : (columns[ci].num ? -1 : 1);
      state.column = ci;
      var c = columns[ci];
      rows.sort(function (a, b) {
        var va = c.value(a.layer), vb = c.value(b.layer);
        var cmp = c.num ? (va === vb ? 0 : va < vb ? -1 : 1) : String(va).localeCompare(String(vb), 'en', { numeric: true });
        return cmp * state.dir || a.layer.index - b.layer.index;
      });
      rows.forEach(function (r) { tbody.appendChild(r.tr); });
      Array.prototype.forEach.call(headRow.children, function (th, i) {
        th.setAttribute('aria-sort', i === ci ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
      });
    }
  }

  // ---------- charts ----------
  if (typeof Chart === 'undefined') return buildTable();
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.font.size = 11;
  Chart.defaults.color = '#3b4252';

  var KIND_COLORS = {
    conv: '#1f6feb', pointwise: '#54aeff', depthwise: '#8250df', dense: '#d1242f', matmul: '#bf3989',
    eltwise: '#1a7f37', pool: '#9a6700', globalpool: '#bc4c00', activation: '#0a7d8c', softmax: '#6e7781',
    datamove: '#a0a0a0', view: '#c8c8c8', convert: '#d4a72c', other: '#999999', unknown: '#444444'
  };
  var PLAN_COLORS = { st: '#1f6feb', best: '#1a7f37', greedy: '#9a6700', linear: '#8250df' };
  function planColor(name, i) { return PLAN_COLORS[name] || ['#bf3989', '#0a7d8c', '#6e7781'][i % 3]; }
  // Byte axes tick at round binary sizes (25 KiB, 64 KiB, 1 MiB …), not at decimal fractions of a KiB.
  function shortBytes(b) {
    var units = [['GiB', GIB], ['MiB', MIB], ['KiB', KIB]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(b) >= units[i][1]) return Number((b / units[i][1]).toFixed(1)) + ' ' + units[i][0];
    }
    return b + ' B';
  }
  var LINEAR_STEPS = [];
  [1, KIB, MIB, GIB].forEach(function (u) { [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500].forEach(function (m) { LINEAR_STEPS.push(m * u); }); });
  function bytesAxis(log, atLeastBytes) {
    if (log) {
      return {
        type: 'logarithmic',
        afterBuildTicks: function (scale) {
          var lo = Math.floor(Math.log2(Math.max(scale.min, 1))), hi = Math.ceil(Math.log2(Math.max(scale.max, 2)));
          var step = Math.max(1, Math.ceil((hi - lo) / 8));
          var ticks = [];
          for (var e = Math.ceil(lo / step) * step; e <= hi; e += step) {
            var v = Math.pow(2, e);
            if (v >= scale.min && v <= scale.max) ticks.push({ value: v });
          }
          scale.ticks = ticks;
        },
        ticks: { callback: function (v) { return shortBytes(Number(v)); } },
      };
    }
    return {
      type: 'linear',
      beginAtZero: true,
      afterDataLimits: function (scale) {
        if (atLeastBytes) scale.max = Math.max(scale.max, atLeastBytes);
        var step = LINEAR_STEPS.find(function (s) { return scale.max / s <= 7; }) || LINEAR_STEPS[LINEAR_STEPS.length - 1];
        scale.$step = step;
        scale.max = Math.max(step, Math.ceil(scale.max * 1.02 / step) * step);
      },
      afterBuildTicks: function (scale) {
        var ticks = [];
        for (var v = 0; v <= scale.max + 1e-9; v += scale.$step) ticks.push({ value: v });
        scale.ticks = ticks;
      },
      ticks: { callback: function (v) { return shortBytes(Number(v)); } },
    };
  }
  function integerAxis(min, max, title) {
    return {
      type: 'linear', min: min, max: max, title: { display: true, text: title },
      afterBuildTicks: function (scale) {
        var span = Math.max(1, Math.floor(scale.max) - Math.ceil(scale.min));
        var step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000].find(function (s) { return span / s <= 16; }) || 1000;
        var ticks = [];
        for (var v = Math.ceil(scale.min / step) * step; v <= scale.max; v += step) ticks.push({ value: v });
        scale.ticks = ticks;
      },
    };
  }
  // Log axes: label only 1, 2 and 5 × 10^n so ticks do not crowd.
  function logTick(format) {
    return function (v) { return /^(1|2|5)(\.0+)?e/.test(Number(v).toExponential()) ? format(Number(v)) : ''; };
  }
  function canvas(id) { return document.getElementById(id); }
  function layerTitle(i) { var l = data.layers[i]; return l ? '#' + l.index + ' ' + l.op + ' ' + l.name : ''; }

  // Per-layer bar charts: a bar per layer ('#index' on the x axis), one series per layer kind in its colour.
  function layerAxis() { return { ticks: { maxRotation: 0, autoSkipPadding: 8 } }; }
  function layerBarsByKind(valueOf) {
    var kinds = [];
    data.layers.forEach(function (l) { if (kinds.indexOf(l.kind) < 0) kinds.push(l.kind); });
    return {
      labels: data.layers.map(function (l) { return '#' + l.index; }),
      datasets: kinds.map(function (k) {
        return {
          label: k,
          data: data.layers.map(function (l) { return l.kind === k ? valueOf(l) : null; }),
          backgroundColor: KIND_COLORS[k] || '#999999',
          grouped: false, skipNull: true, minBarLength: 1, barPercentage: 1, categoryPercentage: 0.9,
        };
      }),
    };
  }

  function macsChart() {
    var c = canvas('chart-macs');
    if (!c) return;
    new Chart(c, {
      type: 'bar',
      data: layerBarsByKind(function (l) { return l.macs; }),
      options: {
        scales: { x: layerAxis(), y: { beginAtZero: true, title: { display: true, text: 'MACs' }, ticks: { callback: function (v) { return fmtCount(Number(v)); } } } },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10 } },
          tooltip: { callbacks: { title: function (items) { return layerTitle(items[0].dataIndex); }, label: function (item) { return fmtCount(item.parsed.y) + (data.layers[item.dataIndex].macsUnit === 'op' ? ' ops' : ' MACs'); } } },
        },
      },
    });
  }

  // Time per layer on one target (select box), bars coloured by layer kind: where the time goes.
  var latencyChartObj = null;
  function drawLatency(targetId) {
    var c = canvas('chart-latency');
    if (!c) return;
    var t = data.targets.find(function (x) { return x.id === targetId && x.layerLatencyMs; });
    if (!t) return;
    if (latencyChartObj) latencyChartObj.destroy();
    var total = t.layerLatencyMs.reduce(function (a, b) { return a + b; }, 0);
    latencyChartObj = new Chart(c, {
      type: 'bar',
      data: layerBarsByKind(function (l) { return t.layerLatencyMs[l.index]; }),
      options: {
        scales: { x: layerAxis(), y: { beginAtZero: true, title: { display: true, text: 'ms per layer' }, ticks: { callback: function (v) { return Number(Number(v).toPrecision(3)) + ' ms'; } } } },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10 } },
          title: { display: true, text: t.label + ': ' + fmtMs(total) + ' in layers' + (t.latencyErrorPct !== null ? ' (total ±' + grouped(t.latencyErrorPct, 1) + ' %)' : ''), font: { weight: 'normal' } },
          tooltip: { callbacks: { title: function (items) { return layerTitle(items[0].dataIndex); }, label: function (item) { return fmtMs(item.parsed.y) + ' (' + grouped((100 * item.parsed.y) / total, 1) + ' % of the layers\' time)'; } } },
        },
      },
    });
  }

  function liveChart() {
    var c = canvas('chart-live');
    if (!c || !data.memory) return;
    var curves = data.memory.liveCurves;
    if (!curves.length) return;
    var minX = Math.min.apply(null, curves.map(function (p) { return p.firstStep; }));
    var maxX = Math.max.apply(null, curves.map(function (p) { return p.firstStep + p.liveBytes.length - 1; }));
    var datasets = [];
    curves.forEach(function (p, i) {
      var color = planColor(p.plans[0], i);
      var name = p.plans.join(', ');
      var peak = p.liveBytes[p.peakStep - p.firstStep];
      datasets.push({
        label: 'live bytes, schedule of ' + name,
        data: p.liveBytes.map(function (v, s) { return { x: p.firstStep + s, y: v }; }),
        borderColor: color, backgroundColor: color + '22', fill: i === 0, borderWidth: 1.5, pointRadius: 0, stepped: 'middle',
        curve: p,
      });
      datasets.push({
        label: 'peak ' + fmtBytes(peak) + ' at step ' + p.peakStep + (curves.length > 1 ? ' (' + name + ')' : ''),
        data: [{ x: p.peakStep, y: peak }],
        type: 'scatter', pointStyle: 'triangle', pointRadius: 8, pointHoverRadius: 9, borderColor: color, backgroundColor: color,
        curve: p,
      });
    });
    var st = data.memory.plans.find(function (p) { return p.name === 'st'; }) || data.memory.plans[0];
    if (st) datasets.push({ label: 'arena of the ' + st.name + ' plan ' + fmtBytes(st.peakBytes), data: [{ x: minX, y: st.peakBytes }, { x: maxX, y: st.peakBytes }], borderColor: '#57606a', borderDash: [6, 4], borderWidth: 1, pointRadius: 0 });
    datasets.push({ label: 'lower bound ' + fmtBytes(data.memory.lowerBoundBytes), data: [{ x: minX, y: data.memory.lowerBoundBytes }, { x: maxX, y: data.memory.lowerBoundBytes }], borderColor: '#1a7f37', borderDash: [2, 3], borderWidth: 1, pointRadius: 0 });
    new Chart(c, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        scales: { x: integerAxis(minX, maxX, 'schedule step'), y: bytesAxis(false) },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10 } },
          tooltip: {
            callbacks: {
              title: function (items) { var p = items[0].dataset.curve; if (!p) return items[0].dataset.label; var s = items[0].parsed.x; return p.stepLabels[s - p.firstStep] || 'step ' + s; },
              label: function (item) { return (item.dataset.curve ? item.dataset.curve.plans.join(', ') + ': ' : '') + fmtBytes(item.parsed.y); },
            },
          },
        },
      },
    });
  }

  var valueLabels = {
    id: 'valueLabels',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = '11px ' + Chart.defaults.font.family;
      ctx.fillStyle = '#24292f';
      ctx.textBaseline = 'middle';
      chart.getDatasetMeta(0).data.forEach(function (bar, i) {
        var v = chart.data.datasets[0].data[i];
        ctx.fillText(fmtBytes(v), bar.x + 4, bar.y);
      });
      ctx.restore();
    },
  };

  function plannersChart() {
    var c = canvas('chart-planners');
    if (!c || !data.memory) return;
    var labels = data.memory.plans.map(function (p) { return p.name === 'st' ? 'st (as ST allocates)' : p.name === 'best' ? 'best achievable' : p.name; });
    var values = data.memory.plans.map(function (p) { return p.peakBytes; });
    var colors = data.memory.plans.map(function (p, i) { return planColor(p.name, i); });
    labels.push('lower bound'); values.push(data.memory.lowerBoundBytes); colors.push('#8c959f');
    new Chart(c, {
      type: 'bar',
      data: { labels: labels, datasets: [{ label: 'peak activation RAM', data: values, backgroundColor: colors }] },
      options: {
        indexAxis: 'y',
        layout: { padding: { right: 70 } },
        scales: { x: bytesAxis(false) },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) { return fmtBytes(item.parsed.x); } } } },
      },
      plugins: [valueLabels],
    });
  }

  function hue(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return h % 360;
  }
  function bufferBoxes(plan) {
   return {
    id: 'bufferBoxes',
    beforeDatasetsDraw: function (chart) {
      var x = chart.scales.x, y = chart.scales.y, ctx = chart.ctx, area = chart.chartArea;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      plan.buffers.forEach(function (b) {
        var x0 = x.getPixelForValue(b.firstStep - 0.45), x1 = x.getPixelForValue(b.lastStep + 0.45);
        var y0 = y.getPixelForValue(b.offsetBytes + b.sizeBytes), y1 = y.getPixelForValue(b.offsetBytes);
        var hh = hue(b.name);
        var scratch = b.kind === 'scratch';
        ctx.fillStyle = scratch ? 'rgba(110, 119, 129, 0.35)' : 'hsla(' + hh + ', 60%, 55%, 0.55)';
        ctx.strokeStyle = scratch ? '#6e7781' : 'hsl(' + hh + ', 60%, 35%)';
        ctx.lineWidth = 1;
        ctx.fillRect(x0, y0, x1 - x0, Math.max(1, y1 - y0));
        ctx.strokeRect(x0, y0, x1 - x0, Math.max(1, y1 - y0));
      });
      var ay = y.getPixelForValue(plan.peakBytes);
      ctx.strokeStyle = '#57606a';
      ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(area.left, ay); ctx.lineTo(area.right, ay); ctx.stroke();
      ctx.restore();
    },
   };
  }
  var bufferChart = null;
  function drawBufferPlan(name) {
    var c = canvas('chart-buffers');
    if (!c || !data.memory) return;
    var plan = data.memory.plans.find(function (p) { return p.name === name; });
    if (!plan) return;
    if (bufferChart) bufferChart.destroy();
    // a loop, not Math.min.apply: one argument per buffer overflows the call stack on 100,000-layer models
    var minX = Infinity;
    var maxX = -Infinity;
    plan.buffers.forEach(function (b) {
      if (b.firstStep < minX) minX = b.firstStep;
      if (b.lastStep > maxX) maxX = b.lastStep;
    });
    bufferChart = new Chart(c, {
      type: 'scatter',
      data: {
        datasets: [{
          label: 'buffers',
          data: plan.buffers.map(function (b) { return { x: (b.firstStep + b.lastStep) / 2, y: b.offsetBytes + b.sizeBytes / 2, b: b }; }),
          pointRadius: 0, pointHoverRadius: 3, pointHitRadius: 10, backgroundColor: '#24292f',
        }],
      },
      options: {
        scales: {
          x: integerAxis(minX - 0.5, maxX + 0.5, 'schedule step (' + plan.name + ' plan)'),
          y: Object.assign(bytesAxis(false, plan.peakBytes), { title: { display: true, text: 'arena offset' } }),
        },
        plugins: {
          legend: { display: false },
          title: { display: true, text: plan.name + ' plan: arena ' + fmtBytes(plan.peakBytes) + ', ' + plan.buffers.length + ' buffers' + (plan.note && plan.note !== plan.name ? ' (' + plan.note + ')' : ''), font: { weight: 'normal' } },
          tooltip: {
            callbacks: {
              title: function (items) { var b = items[0].raw.b; return b.name + (b.kind && b.kind !== 'activation' ? ' (' + b.kind + ')' : ''); },
              label: function (item) { var b = item.raw.b; return fmtBytes(b.sizeBytes) + ' at offset ' + fmtBytes(b.offsetBytes) + ', steps ' + b.firstStep + '–' + b.lastStep; },
            },
          },
        },
      },
      plugins: [bufferBoxes(plan)],
    });
  }

  function sweepChart(id, pick, capacityPick, axis, format) {
    var c = canvas(id);
    if (!c || !data.sweep) return;
    var datasets = [];
    data.sweep.series.forEach(function (s) {
      datasets.push({ label: s.label, data: data.sweep.resolutions.map(function (r, i) { return { x: r, y: pick(s)[i] }; }), borderColor: s.color, backgroundColor: s.color, borderWidth: 2, pointRadius: 3 });
      if (capacityPick) datasets.push({ label: s.label + ' capacity', capacity: true, data: data.sweep.resolutions.map(function (r, i) { return { x: r, y: capacityPick(s)[i] }; }), borderColor: s.color, borderDash: [6, 4], borderWidth: 1, pointRadius: 0 });
    });
    var res = data.sweep.resolutions;
    if (capacityPick) {
      // Keep the needs readable: show capacities up to 16× the largest need (MPU DDR in GiB would flatten the rest).
      var needs = [];
      data.sweep.series.forEach(function (s) { pick(s).forEach(function (v) { if (v > 0) needs.push(v); }); });
      if (needs.length) {
        axis.min = Math.pow(2, Math.floor(Math.log2(Math.min.apply(null, needs) / 2)));
        axis.max = Math.pow(2, Math.ceil(Math.log2(Math.max.apply(null, needs) * 16)));
      }
    }
    new Chart(c, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        scales: {
          x: { type: 'linear', min: res[0] - (res.length > 1 ? 0 : 16), max: res[res.length - 1] + (res.length > 1 ? 0 : 16), title: { display: true, text: 'input resolution (px)' }, ticks: { stepSize: 16 } },
          y: axis,
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10, filter: function (item, d) { return !d.datasets[item.datasetIndex].capacity; } } },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ': ' + format(item.parsed.y); } } },
        },
      },
    });
  }

  // A chart with a select box: drawn for the selected value, and again on each change.
  function drawOnSelect(selectId, draw) {
    var select = document.getElementById(selectId);
    if (!select) return;
    select.addEventListener('change', function () { draw(select.value); });
    draw(select.value);
  }

  buildTable();
  macsChart();
  drawOnSelect('latency-target-select', drawLatency);
  liveChart();
  plannersChart();
  drawOnSelect('buffer-plan-select', drawBufferPlan);
  sweepChart('chart-sweep-ram', function (s) { return s.ramBytes; }, function (s) { return s.ramCapacityBytes; }, bytesAxis(true), fmtBytes);
  sweepChart('chart-sweep-flash', function (s) { return s.flashBytes; }, function (s) { return s.flashCapacityBytes; }, bytesAxis(true), fmtBytes);
  sweepChart('chart-sweep-latency', function (s) { return s.latencyMs; }, null, { type: 'logarithmic', title: { display: true, text: 'ms' }, ticks: { callback: logTick(tickMs) } }, fmtMs);
  document.documentElement.setAttribute('data-report-ready', '1');
})();
