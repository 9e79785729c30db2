/**
 * Leave-one-model-out latency error of the Cortex-M7 feature set in use beside the alternatives judged and not kept
 * (latency/features.ts M7_POOL_ALTERNATIVES, M7_KERNEL_ALTERNATIVES), per target and tool version, with the worst rows
 * of STEdgeAI 4.0 on the H747. Reads data/ only (no ../shared).
 *
 *   node --import tsx src/targets/calibration/m7-alternatives.ts
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinProfiles } from '../resolve.ts';
import { FEATURE_SETS, M7_KERNEL_ALTERNATIVES, M7_POOL_ALTERNATIVES, type LatencyFeature } from '../latency/features.ts';
import { latencyLoo } from './calibrate.ts';
import { loadCalibrationRows } from './dataset.ts';

export interface AlternativeSummary {
  name: string;
  /** MAPE (%) per "target toolVersion" of the Cortex-M7 rows. */
  mapePct: Record<string, number>;
  /** The five largest H747 STEdgeAI 4.0 errors: "arch resolution ±x.x %". */
  worstH747: string[];
}

/** The leave-one-out of the M7 rows with `set` as the Cortex-M7 feature set (the set in use is restored after). */
export function m7LooWith(name: string, set: LatencyFeature[]): AlternativeSummary {
  const profileList = builtinProfiles();
  const profiles = new Map(profileList.map((p) => [p.id, p]));
  const rows = loadCalibrationRows({ profiles: profileList }).filter((r) => r.calibrationKey.split(/[:@]/)[0] === 'cortex-m7');
  const inUse = FEATURE_SETS['cortex-m7']!;
  FEATURE_SETS['cortex-m7'] = set;
  try {
    const out = latencyLoo(rows, profiles);
    const groups = new Map<string, typeof out>();
    for (const o of out) groups.set(`${o.item.target} ${o.item.toolVersion}`, [...(groups.get(`${o.item.target} ${o.item.toolVersion}`) ?? []), o]);
    const mapePct = Object.fromEntries([...groups].sort().map(([k, os]) => [k, os.reduce((s, o) => s + Math.abs(o.errorPct), 0) / os.length]));
    const h747 = groups.get('stm32h747i-disco stedgeai-4.0') ?? [];
    const worstH747 = [...h747].sort((a, b) => Math.abs(b.errorPct) - Math.abs(a.errorPct)).slice(0, 5).map((o) => `${o.item.arch} ${o.item.resolution} ${o.errorPct >= 0 ? '+' : ''}${o.errorPct.toFixed(1)} %`);
    return { name, mapePct, worstH747 };
  } finally {
    FEATURE_SETS['cortex-m7'] = inUse;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const sets: [string, LatencyFeature[]][] = [['in use', FEATURE_SETS['cortex-m7']!], ...Object.entries(M7_POOL_ALTERNATIVES).map(([k, v]) => [`pool ${k}`, v] as [string, LatencyFeature[]]), ...Object.entries(M7_KERNEL_ALTERNATIVES).map(([k, v]) => [`kernel ${k}`, v] as [string, LatencyFeature[]])];
  for (const [name, set] of sets) {
    const s = m7LooWith(name, set);
    console.log(`${name}: ${Object.entries(s.mapePct).map(([k, v]) => `${k.replace('-disco', '')} ${v.toFixed(2)} %`).join(', ')}`);
    console.log(`   worst H747 4.0: ${s.worstH747.join('; ')}`);
  }
}
