/** `edgefit targets [--json]`: the built-in target profiles, their memories, engines and calibration error. */
import type { Command } from 'commander';
import { safeOutput } from '../format/safe-text.ts';
import { calibratedModels, calibrationEntryFor } from '../../targets/evaluate.ts';
import { borrowedModelShort } from '../../targets/latency/engine-words.ts';
import { listTargets } from '../../targets/resolve.ts';
import { formatCapacity } from '../../targets/present.ts';
import { NARROW_TABLE_COLUMNS } from '../format/fit-table.ts';
import { formatBytes } from '../format/numbers.ts';
import { type Column, renderTable, wrapText } from '../format/table.ts';

/** "+11%", "-10%": the worst error with its sign, as calibrate prints it; "0%" when it rounds to zero (not "-0%"). */
export function signedPct(pct: number): string {
  const rounded = pct.toFixed(0);
  if (Number(rounded) === 0) return '0%';
  return `${pct > 0 ? '+' : ''}${rounded}%`;
}

/** The default table's columns (widths with padding; 5 columns + 6 borders = NARROW_TABLE_COLUMNS, as check's). */
const NARROW_TARGET_COLUMNS: Column[] = [
  { header: 'target', width: 20 },
  { header: 'engines', width: 21 },
  { header: 'memories ([act] activations, [w] weights)', width: 34 },
  { header: 'latency LOO MAPE', width: 20 },
  { header: 'memory error', width: 19 },
];

/** "Cortex-M7 400 MHz", "Cortex-A35 1500 MHz ×2"; no second count when the name already carries it ("2x Cortex-A7"). */
export function engineLabel(g: { name: string; clockMHz: number; cores: number }): string {
  const named = new RegExp(`^${g.cores}\\s*[x×]\\s`, 'i').test(g.name);
  return `${g.name} ${g.clockMHz} MHz${g.cores > 1 && !named ? ` ×${g.cores}` : ''}`;
}

export function registerTargets(program: Command): void {
  program
    .command('targets')
    .description('List target profiles with their memories, engines and leave-one-model-out calibration error')
    .option('--wide', `one line per memory and engine, the class as a column (about 270 characters wide; default: within ${NARROW_TABLE_COLUMNS})`)
    .option('--json', 'print JSON (every profile with its memories, engines and calibration error)')
    .action((opts: { json?: boolean; wide?: boolean }) => {
      const profiles = listTargets();
      const { errors, engineModels } = calibratedModels();
      if (opts.json) {
        process.stdout.write(safeOutput(`${JSON.stringify({ targets: profiles.map((p) => ({ ...p, calibration: calibrationEntryFor(p, errors)?.errors ?? null })) }, null, 2)}\n`));
        return;
      }
      const rows = profiles.map((p) => {
        const e = calibrationEntryFor(p, errors)?.errors;
        const lat = e?.latency;
        // a target with no latency fit of its own borrows one: said in words, not by calibration key ("cortex-m7 cycles × 1.431")
        const keys = new Set(p.engines.map((g) => g.calibrationKey));
        const borrowed = [...engineModels.values()].filter((m) => m.kind === 'borrowed' && keys.has(m.key.split(/[:@]/)[0]!));
        const why = lat?.note && borrowed.length ? `no error: borrowed, ${borrowed.map(borrowedModelShort).join('; ')}` : lat?.note || 'no data';
        const latCell = !lat?.summary ? `— (${why})` : `${lat.summary.mapePct.toFixed(1)}% / worst ${signedPct(lat.summary.worstPct)} (${lat.summary.models} models)${lat.status === 'thin' ? ' THIN' : ''}`;
        const mem = (q: 'activationRam' | 'weightsFlash' | 'runtimeRam' | 'codeFlash') => {
          const summary = e?.[q]?.summary;
          return summary ? `${summary.mapePct.toFixed(1)}%${e![q]!.status === 'thin' ? ' THIN' : ''}` : '—';
        };
        // the default table gives capacities as check does (512 KiB, not 512.00 KiB); --wide keeps the old table
        const size = opts.wide ? formatBytes : formatCapacity;
        const memories = p.memories.map((m) => `${m.name} ${size(m.bytes)}${m.activations ? ' [act]' : ''}${m.weights ? ' [w]' : ''}`).join('\n');
        const engines = p.engines.map(engineLabel).join('\n');
        const memoryErrors = `act ${mem('activationRam')}\nweights ${mem('weightsFlash')}\nruntime ${mem('runtimeRam')}\ncode ${mem('codeFlash')}`;
        const aliases = p.aliases.slice(0, 3).join(', ');
        if (opts.wide) return [`${p.name}\n(${aliases})`, p.class, engines, memories, latCell, memoryErrors];
        return [`${p.name}\n${p.class.toUpperCase()}${aliases ? `; also ${aliases}` : ''}`, engines, memories, latCell, memoryErrors];
      });
      const table = opts.wide
        ? renderTable([{ header: 'target (aliases)' }, { header: 'class' }, { header: 'engines' }, { header: 'memories ([act] activations, [w] weights)' }, { header: 'latency LOO MAPE' }, { header: 'memory error' }], rows)
        : renderTable(NARROW_TARGET_COLUMNS, rows);
      const legend = "Errors: leave-one-model-out on ST's published tables, newest tool version (edgefit calibrate). THIN = too few models to trust.";
      // a user profile (./board.json) names its own memories and engines: shown escaped, as check shows them
      process.stdout.write(
        safeOutput(
          opts.wide
            ? `${table}\n${legend}\n`
            : `${table}\n${wrapText(legend, NARROW_TABLE_COLUMNS)}\nOne line per memory and engine: --wide; every field with its source: --json.\n`,
        ),
      );
    });
}
