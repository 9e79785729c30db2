/**
 * analyzer/fold-pads.ts: an explicit PAD folded into the convolution reading it as TF 'SAME' padding, the graph ST's
 * zoo 4.x fft exports have where our legacy stand-ins have PAD → VALID conv. Oracles: ST's food101 export's own
 * convolutions (data/published/zoo-4x-fft-export-layers.json) and the paddings constants stored in the stand-ins.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldablePadding, foldPadsIntoConvs, samePadding } from '../src/analyzer/fold-pads.ts';
import { decodeConst } from '../src/analyzer/const-data.ts';
import { loadModel } from '../src/analyzer/load.ts';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { DATA_DIR } from '../src/targets/calibration/dataset.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

interface ExportLayer {
  op: string;
  kernel?: number[];
  strides?: number[];
  pads?: number[];
  inputShape: number[];
}
const stExport = JSON.parse(readFileSync(join(DATA_DIR, 'published/zoo-4x-fft-export-layers.json'), 'utf8')) as { sha256: string; layers: ExportLayer[] };
/** The legacy stand-ins of ST's five zoo 4.x fft files (data/published/zoo-4x-file-identity.json). */
const identity = JSON.parse(readFileSync(join(DATA_DIR, 'published/zoo-4x-file-identity.json'), 'utf8')) as { records: { standInRef: string; benchmarkedExport?: { siblings: { lfsOid: string }[] } }[] };
const marked = identity.records.filter((r) => r.benchmarkedExport);

describe('PAD → conv folded as SAME padding (fold-pads.ts)', () => {
  it("ST's export pads its convolutions as TF 'SAME' does (samePadding): every conv and depthwise of the food101 file", () => {
    expect(stExport.sha256).toBe(marked[0]!.benchmarkedExport!.siblings[0]!.lfsOid);
    const convs = stExport.layers.filter((l) => l.op === 'Conv' || l.op === 'DepthwiseConv');
    expect(convs.length).toBe(27); // the RGB conv, 13 depthwise, 13 pointwise
    for (const l of convs) {
      const [top, bottom] = samePadding(l.inputShape[1]!, l.kernel![0]!, l.strides![0]!, 1);
      const [left, right] = samePadding(l.inputShape[2]!, l.kernel![1]!, l.strides![1]!, 1);
      expect(l.pads).toEqual([top, left, bottom, right]);
    }
    expect(stExport.layers.some((l) => l.op === 'Pad')).toBe(false);
  });
  it.skipIf(!HAVE_SHARED)("each folded conv takes the amounts of the PAD it replaces, read from the file's paddings constant", async () => {
    for (const rec of marked) {
      const path = join(MODELS_DIR, rec.standInRef);
      const g = loadModel(path).graph;
      const pads = g.nodes.filter((n) => n.opType === 'PAD');
      expect(pads.length, rec.standInRef).toBe(4);
      const a = await analyzeForTargets(path);
      const folded = foldPadsIntoConvs(a);
      expect(folded.layers.some((l) => l.op === 'Pad')).toBe(false);
      for (const n of pads) {
        // TFLite paddings: [[batch before, after], [H before, after], [W before, after], [C before, after]]
        const [, , t, b, l, r] = decodeConst(g.tensors.get(n.inputs[1]!)!.data!);
        const conv = folded.layers.find((x) => x.inputs[0] === n.inputs[0] && x.conv);
        expect(conv?.conv?.pads, `${rec.standInRef} ${n.name}`).toEqual([t, l, b, r]);
      }
    }
  });
  it.skipIf(!HAVE_SHARED)('a PAD that is not the SAME padding of the conv reading it, or that another layer reads too, stays', async () => {
    const a = await analyzeForTargets(join(MODELS_DIR, marked[0]!.standInRef));
    const pad = a.layers.find((l) => l.op === 'Pad')!;
    const conv = a.layers[pad.index + 1]!;
    expect(foldablePadding(pad, conv)).toEqual([0, 0, 1, 1]);
    // 112 → 114 is (1, 1): a stride-2 3×3 SAME pads 112 by 1 in total, so TFLite cannot hold it in the conv
    const wider = { ...pad, outputShapes: [[1, 114, 114, pad.outputShapes[0]![3]!]] };
    expect(foldablePadding(wider, { ...conv, inputShapes: wider.outputShapes })).toBeUndefined();
    expect(foldablePadding({ ...pad, sourceOps: ['MIRROR_PAD'] }, conv)).toBeUndefined();
    // a second reader of the padded tensor keeps the PAD (and its conv unpadded)
    const tensors = a.tensors.map((t) => (t.name === pad.outputs[0] ? { ...t, consumers: [...t.consumers, a.layers.length - 1] } : t));
    const kept = foldPadsIntoConvs({ ...a, tensors });
    expect(kept.layers.filter((l) => l.op === 'Pad').length).toBe(1);
    expect(kept.layers.find((l) => l.name === conv.name)!.conv!.pads).toEqual([0, 0, 0, 0]);
  });
});
