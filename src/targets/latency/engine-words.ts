/**
 * Latency models in the words of the user's board, not of the calibration table: a calibration key
 * ("cortex-a7x2:xnnpack:per-tensor") becomes "2× Cortex-A7, TFLite with the XNNPACK delegate, per-tensor int8
 * models", and a borrowed model (engine-models.ts: too few published models for a fit of its own, another fit
 * scaled by one ratio) says what it is borrowed from and why its error is unknown.
 */
import type { EngineModel } from './engine-models.ts';

const ENGINES: Record<string, string> = {
  'cortex-m7': 'Cortex-M7',
  'cortex-m33': 'Cortex-M33',
  'cortex-m55': 'Cortex-M55',
  'n6-neural-art': 'Neural-ART NPU',
  'mp2-npu-gpu': 'STM32MP2 NPU/GPU',
  'cortex-a7x1': '1× Cortex-A7',
  'cortex-a7x2': '2× Cortex-A7',
  'cortex-a35x2': '2× Cortex-A35',
};

const PARTS: Record<string, string> = {
  xnnpack: 'TFLite XNNPACK delegate',
  builtin: 'TFLite built-in kernels',
  'per-tensor': 'per-tensor int8',
  npu: 'per-tensor int8 (NPU)',
  gpu: 'per-channel int8 (mainly GPU)',
};

/** "cortex-a7x2:xnnpack:per-tensor" → "2× Cortex-A7, TFLite with the XNNPACK delegate, per-tensor int8 models". */
export function latencyModelWords(key: string): string {
  const [engine, ...rest] = key.split(/[:@]/);
  return [ENGINES[engine!] ?? engine!, ...rest.map((p) => PARTS[p] ?? p)].join(', ');
}

/**
 * A tool version as ST names the tool, for notes and tables: "stedgeai-4.0" → "STEdgeAI Core 4.0", "cubeai-8.1" →
 * "STM32Cube.AI 8.1", "x-linux-ai-6.1.0" → "X-LINUX-AI 6.1.0"; anything else unchanged. The names ST's benchmark
 * tables print ("STEdgeAI Core version", "STM32Cube.AI 8.1.0", "X-LINUX-AI v6.1.0": ../shared/calibration/README.md
 * and raw/).
 */
export function toolWords(toolVersion: string): string {
  return toolVersion
    .replace(/^stedgeai-/, 'STEdgeAI Core ')
    .replace(/^cubeai-/, 'STM32Cube.AI ')
    .replace(/^x-linux-ai-/, 'X-LINUX-AI ');
}

/** "1 published model: yamnet_256", "3 published models: a, b, c". */
function modelCount(models: readonly string[]): string {
  return `${models.length} published model${models.length === 1 ? '' : 's'}${models.length ? `: ${models.join(', ')}` : ''}`;
}

/**
 * Why a borrowed model's figure is thin: "only 1 published model (yamnet_256) runs on the Cortex-M33, too few for a
 * latency model of its own: the figure is the Cortex-M7 model's, in cycles, × 1.431 (a ratio fitted on that one
 * model), so no model is left to measure its error".
 */
export function borrowedModelWords(m: Pick<EngineModel, 'key' | 'borrowedFrom' | 'ratio' | 'models'>): string {
  const only = m.models.length === 1 ? 'that one model' : `those ${m.models.length} models`;
  return `only ${modelCount(m.models).replace(/: (.*)$/, ' ($1)')} for ${latencyModelWords(m.key)}, too few for a latency model of its own: the figure is borrowed from the ${latencyModelWords(m.borrowedFrom ?? '')} model, its cycles × ${(m.ratio ?? 1).toFixed(3)} (a ratio fitted on ${only}), so its error is not measured`;
}

/**
 * The borrowed models of a target that this model's figure does not use, in one sentence (the calibration table's
 * note, which names them by calibration key): "other models on this target borrow a fit: 2× Cortex-A7, XNNPACK,
 * per-tensor int8 (1 published model: mobilenet_v2_1.0) = 2× Cortex-A7, XNNPACK × 1.778".
 */
export function otherBorrowedWords(models: readonly Pick<EngineModel, 'key' | 'borrowedFrom' | 'ratio' | 'models'>[]): string {
  const one = (m: (typeof models)[number]) => `${latencyModelWords(m.key)} (${modelCount(m.models)}) = ${latencyModelWords(m.borrowedFrom ?? '')} × ${(m.ratio ?? 1).toFixed(3)}`;
  return `not this model's figure: other kinds of model on this target have too few published times for a latency model of their own and borrow one, scaled by a fitted ratio (no error figure): ${models.map(one).join('; ')}`;
}

/** One borrowed model in a table cell: "Cortex-M33: the Cortex-M7 model × 1.431, a ratio fitted on 1 published model". */
export function borrowedModelShort(m: Pick<EngineModel, 'key' | 'borrowedFrom' | 'ratio' | 'models'>): string {
  return `${latencyModelWords(m.key)}: the ${latencyModelWords(m.borrowedFrom ?? '')} model × ${(m.ratio ?? 1).toFixed(3)}, a ratio fitted on ${m.models.length} published model${m.models.length === 1 ? '' : 's'}`;
}
