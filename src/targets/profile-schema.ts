/**
 * Target profile schema: a board or series as data (memories, engines, clocks), every number with its
 * source. Profiles are validated on load; a bad profile becomes EdgefitError('BAD_PROFILE') naming the
 * offending field (`memories[2].bytes: …`).
 */
import { z } from 'zod';
import { EdgefitError } from '../analyzer/errors.ts';

export const MEMORY_KINDS = ['internal-ram', 'internal-flash', 'external-ram', 'external-flash'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export const ENGINE_KINDS = ['mcu-m7', 'mcu-m33', 'mcu-m55', 'npu-n6', 'mpu-cpu', 'mpu-gpu-npu'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

const source = z.string().min(3, 'every number needs its source');

export const memorySchema = z.object({
  id: z.string().min(1),
  /** As the datasheet / linker script names it (AXI SRAM, DTCM, SDRAM, octoFlash …). */
  name: z.string().min(1),
  kind: z.enum(MEMORY_KINDS),
  bytes: z.number().int().positive(),
  /** May hold the activation pool (ST's runtime places one contiguous buffer per region). */
  activations: z.boolean().default(false),
  /** May hold the weights. */
  weights: z.boolean().default(false),
  /**
   * May hold the runtime's .data/.bss (default true for internal RAM). False for an instruction TCM that the
   * board's linker script does not use for data (F7 ITCM RAM: .data/.bss go to RAM at 0x20000000).
   */
  data: z.boolean().default(true),
  source,
});

export const engineSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(ENGINE_KINDS),
  clockMHz: z.number().positive(),
  /** Cores used by the published benchmark (MPU "2 CPU"). */
  cores: z.number().int().positive().default(1),
  /** Engines sharing a key share one fitted cost model in cycles (H747 and F769 are both Cortex-M7). */
  calibrationKey: z.string().min(1),
  source,
});

/**
 * How a tool version splits an activation pool too large for the activation region between that region and external
 * RAM (STEdgeAI Core 3.x/4.x on the H747: ST's re-identification tables publish internal and external RAM per model).
 */
export const activationSplitSchema = z.object({
  /** First tool version with the rule (versionRank order); older versions put a pool that does not fit wholly in external RAM. */
  fromToolVersion: z.string().regex(/^(stedgeai|cubeai)-\d+\.\d+$/, "a tool version such as 'stedgeai-3.0'"),
  /** Pools up to this many bytes stay whole in the activation region. */
  internalPoolMaxBytes: z.number().int().positive(),
  /** A larger pool keeps this many bytes in the activation region; the rest goes to external RAM. */
  splitInternalBytes: z.number().int().positive(),
  source,
});

/**
 * ST's memory-pool descriptor for an MCU board (the `--memory-pool` / `target_info` JSON ST's deployment scripts pass to
 * STEdgeAI when the activations do not fit the default pool): the internal pools, in the order the tool fills them, and
 * their sizes (what the application leaves for activations, not the memories' sizes); external RAM (the profile's
 * external memory holding activations) takes what fits in none. Each buffer lies whole in one pool and the published
 * internal / external RAM is the sum over pools of each pool's used size (activation-peak.ts memoryPoolLitePlan).
 */
export const activationMemoryPoolsSchema = z.object({
  /** First tool version that takes the descriptor (versionRank order). */
  fromToolVersion: z.string().regex(/^(stedgeai|cubeai)-\d+\.\d+$/, "a tool version such as 'stedgeai-3.0'"),
  /** Internal pools, most preferred first: a memory id (internal RAM) and the bytes the descriptor gives it (at most the memory's size). */
  pools: z
    .array(z.object({ memory: z.string().min(1), bytes: z.number().int().positive() }))
    .min(1),
  source,
});

/**
 * A compiler that places each activation buffer whole in one of several memory pools (STM32N6 Neural-ART, ST's .mpool
 * file) instead of one contiguous pool: the pools it fills, in the order it prefers them. Its published activation
 * figure is the sum over pools of each pool's high-water mark (activation-peak.ts neuralArtPoolPlan).
 */
export const activationPoolsSchema = z.object({
  /** Memory ids (internal RAM holding activations), most preferred first. Internal pools missing here are not used. */
  order: z.array(z.string().min(1)).min(1),
  source,
});

export const profileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case id (letters, digits, dashes)'),
    /** Name as ST's benchmark tables print it. */
    name: z.string().min(1),
    /** Other spellings accepted by --target (case-insensitive), e.g. series names or table aliases. */
    aliases: z.array(z.string()).default([]),
    series: z.string().min(1),
    class: z.enum(['mcu', 'npu', 'mpu']),
    description: z.string().default(''),
    memories: z.array(memorySchema).min(1),
    engines: z.array(engineSchema).min(1),
    /** Engine whose calibrated latency model is used for predictions. */
    defaultEngine: z.string().min(1),
    /**
     * 'largest-region': the runtime puts activations in one contiguous region (MCU zoo apps: AXI SRAM on
     * H7, facts §5); 'all-regions': the compiler spreads buffers over every activation pool (N6 Neural-ART).
     */
    activationPlacement: z.enum(['largest-region', 'all-regions']),
    /** 'largest-region' only: the tool versions that split an oversized pool instead of moving it whole (see activationSplitSchema). */
    activationSplit: activationSplitSchema.optional(),
    /** 'largest-region' only: ST's memory-pool descriptor for pools too large for the first of them (see activationMemoryPoolsSchema). */
    activationMemoryPools: activationMemoryPoolsSchema.optional(),
    /** 'all-regions' only: the compiler's per-pool placement (see activationPoolsSchema); absent = fill the regions in order. */
    activationPools: activationPoolsSchema.optional(),
    /** Kernel scratch rules of the activation plan: 'st' = ST's MCU runtime (docs/memory.md), CMSIS-NN 'dsp' (M7/M33) or 'mve' (M55); 'none' for MPU/NPU runtimes. */
    scratchEngine: z.enum(['st', 'dsp', 'mve', 'none']),
    /** Targets whose published rows calibrate this one (a series profile borrows its board's). */
    calibrationTargets: z.array(z.string()).default([]),
    notes: z.array(z.string()).default([]),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.memories.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['memories', i, 'id'], message: `duplicate memory id '${m.id}'` });
      ids.add(m.id);
    });
    if (!p.engines.some((e) => e.id === p.defaultEngine)) {
      ctx.addIssue({ code: 'custom', path: ['defaultEngine'], message: `'${p.defaultEngine}' is not one of the engines` });
    }
    if (p.activationSplit && p.activationSplit.splitInternalBytes > p.activationSplit.internalPoolMaxBytes) {
      ctx.addIssue({ code: 'custom', path: ['activationSplit', 'splitInternalBytes'], message: 'must not exceed internalPoolMaxBytes' });
    }
    p.activationPools?.order.forEach((id, i, order) => {
      const m = p.memories.find((x) => x.id === id);
      if (!m || m.kind !== 'internal-ram' || !m.activations) {
        ctx.addIssue({ code: 'custom', path: ['activationPools', 'order', i], message: `'${id}' is not an internal RAM memory holding activations` });
      } else if (order.indexOf(id) !== i) {
        ctx.addIssue({ code: 'custom', path: ['activationPools', 'order', i], message: `'${id}' is listed twice` });
      }
    });
    p.activationMemoryPools?.pools.forEach((pool, i, pools) => {
      const m = p.memories.find((x) => x.id === pool.memory);
      if (!m || m.kind !== 'internal-ram') {
        ctx.addIssue({ code: 'custom', path: ['activationMemoryPools', 'pools', i, 'memory'], message: `'${pool.memory}' is not an internal RAM memory` });
      } else if (pools.findIndex((x) => x.memory === pool.memory) !== i) {
        ctx.addIssue({ code: 'custom', path: ['activationMemoryPools', 'pools', i, 'memory'], message: `'${pool.memory}' is listed twice` });
      } else if (pool.bytes > m.bytes) {
        // not capped: a pool the memory cannot hold is a descriptor ST's tool would place buffers beyond the memory with
        // (its linker section would overflow); a copy of a profile whose memory was shrunk must shrink the pool too
        ctx.addIssue({ code: 'custom', path: ['activationMemoryPools', 'pools', i, 'bytes'], message: `${pool.bytes} B is more than memory '${m.id}' holds (${m.bytes} B): shrink the pool with its memory, or drop activationMemoryPools` });
      }
    });
    if (p.activationMemoryPools && p.activationPlacement !== 'largest-region') {
      ctx.addIssue({ code: 'custom', path: ['activationMemoryPools'], message: "needs activationPlacement 'largest-region'" });
    }
    if (p.activationPools && p.activationPlacement !== 'all-regions') {
      ctx.addIssue({ code: 'custom', path: ['activationPools'], message: "needs activationPlacement 'all-regions'" });
    }
    if (!p.memories.some((m) => m.activations)) {
      ctx.addIssue({ code: 'custom', path: ['memories'], message: 'no memory may hold activations' });
    }
  });

export type MemoryRegion = z.infer<typeof memorySchema>;
export type ActivationSplit = z.infer<typeof activationSplitSchema>;
export type ActivationMemoryPools = z.infer<typeof activationMemoryPoolsSchema>;
export type ActivationPools = z.infer<typeof activationPoolsSchema>;
export type Engine = z.infer<typeof engineSchema>;
export type TargetProfile = z.infer<typeof profileSchema>;

/** Validates raw JSON; `origin` (file path or profile name) goes into the error message. */
export function parseProfile(raw: unknown, origin: string): TargetProfile {
  const r = profileSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
  throw new EdgefitError('BAD_PROFILE', `bad target profile ${origin}: field '${field}': ${issue.message}`);
}
