/**
 * Places a model's memory needs onto a target's memories, the way ST's runtimes do:
 * - activations: one contiguous pool in the largest internal RAM region (MCU zoo apps: AXI SRAM on H7,
 *   facts §5); if it does not fit, the whole pool goes to external RAM — except where the profile's
 *   `activationSplit` says the tool version splits it (STEdgeAI 3.x/4.x on the H747: pools up to
 *   `internalPoolMaxBytes` stay internal, a larger one keeps `splitInternalBytes` internal and the rest goes to
 *   external RAM) — and except where `needs.activationPools` carries the per-pool plan of ST's memory-pool descriptor
 *   (activation-peak.ts memoryPoolLitePlan: ST's re-identification tables publish both parts). N6 ('all-regions'): buffers spread
 *   over every internal pool, the overflow spills to hyperRAM (the N6 tables publish internal/external RAM); with
 *   `needs.activationPools` (the compiler's per-pool plan) each pool gets its own high-water mark.
 * - runtime RAM (library .data/.bss): another internal data RAM region when one has room, else beside
 *   activations (never a region the linker script keeps out of .data/.bss: profile `data: false`, the F7 ITCM, U5 SRAM4).
 * - weights: internal flash when weights + code fit, else external flash; code flash stays internal.
 * - MPU: everything in DDR (weights are read from the file system).
 */
import { versionRank } from './latency/fit.ts';
import type { ActivationSplit, MemoryRegion, TargetProfile } from './profile-schema.ts';

export interface MemoryNeeds {
  activationBytes: number;
  weightBytes: number;
  runtimeRamBytes: number;
  codeFlashBytes: number;
  /**
   * The activations already laid out per memory pool (memory id → that pool's high-water mark): a compiler that places
   * buffers per pool (N6 Neural-ART, activation-peak.ts neuralArtPoolPlan). activationBytes is their sum, or more when
   * the plan had nowhere to put some buffers (no external pool): the rest over-commits the largest internal region.
   * 'all-regions' profiles use it; so do 'largest-region' profiles with ST's memory-pool descriptor
   * (activationMemoryPools: activation-peak.ts memoryPoolLitePlan, each pool at its memory).
   */
  activationPools?: { id: string; bytes: number }[];
}

export type MemoryRole = 'activations' | 'runtime-ram' | 'weights' | 'code';

export interface Placement {
  role: MemoryRole;
  memoryId: string;
  memoryName: string;
  external: boolean;
  bytes: number;
}

export interface RoleSummary {
  internalBytes: number;
  externalBytes: number;
  /** Bytes of every memory this role may use on the target (internal + external). */
  capacityBytes: number;
  marginBytes: number;
  marginPct: number;
  /** Internal-only view: what fits without external memory. */
  internalCapacityBytes: number;
  internalMarginBytes: number;
}

export interface MemoryUse {
  id: string;
  name: string;
  kind: MemoryRegion['kind'];
  capacityBytes: number;
  usedBytes: number;
}

export interface MemoryMapping {
  needs: MemoryNeeds;
  /** Every memory of the target with the bytes placed in it (all roles). */
  memories: MemoryUse[];
  placements: Placement[];
  ram: RoleSummary;
  flash: RoleSummary;
  /** Name of the memory with the least room left (relative), e.g. 'AXI SRAM (D1)'. */
  limitingMemory: string;
  fits: boolean;
  /** Activations or weights had to go to external memory. */
  usesExternal: boolean;
  notes: string[];
}

const isExternal = (m: MemoryRegion): boolean => m.kind.startsWith('external');

export interface MapOptions {
  /**
   * Tool version the placement is for ('stedgeai-4.0', 'cubeai-8.1' …, as calibration rows name it). Omitted: the
   * newest tool, which is what predictions are made for.
   */
  toolVersion?: string;
}

/** The profile's split rule when it applies to `toolVersion` (omitted = newest tool: applies). */
export function activationSplitFor(profile: TargetProfile, toolVersion?: string): ActivationSplit | undefined {
  const split = profile.activationSplit;
  if (!split || profile.activationPlacement !== 'largest-region') return undefined;
  if (toolVersion === undefined) return split;
  return versionRank(toolVersion) >= versionRank(split.fromToolVersion) ? split : undefined;
}

export function mapMemory(profile: TargetProfile, needs: MemoryNeeds, opts: MapOptions = {}): MemoryMapping {
  const mems = profile.memories;
  const used = new Map<string, number>(mems.map((m) => [m.id, 0]));
  const placements: Placement[] = [];
  const notes: string[] = [];
  /** Internal memories whose content had to move to external memory (they are what limits the model). */
  const overflowed: string[] = [];
  const put = (role: MemoryRole, m: MemoryRegion, bytes: number): void => {
    if (bytes <= 0) return;
    used.set(m.id, used.get(m.id)! + bytes);
    placements.push({ role, memoryId: m.id, memoryName: m.name, external: isExternal(m), bytes });
  };
  const room = (m: MemoryRegion): number => m.bytes - used.get(m.id)!;

  // --- activations
  const actInternal = mems.filter((m) => m.activations && m.kind === 'internal-ram').sort((a, b) => b.bytes - a.bytes);
  const actExternal = mems.filter((m) => m.activations && m.kind === 'external-ram').sort((a, b) => b.bytes - a.bytes);
  const actRegions = profile.activationPlacement === 'largest-region' ? actInternal.slice(0, 1) : actInternal;
  const ramRoleMems = new Set<MemoryRegion>([...actRegions, ...actExternal]);
  let need = needs.activationBytes;
  const split = activationSplitFor(profile, opts.toolVersion);
  // runtime RAM's home when it need not share the activations' memory: the largest other internal data RAM that
  // holds it (chosen before the activations are placed, which never touch it; the pool's size depends on it)
  const runtimeOther =
    needs.runtimeRamBytes > 0
      ? mems.filter((m) => m.kind === 'internal-ram' && m.data && !actRegions.includes(m) && m.bytes >= needs.runtimeRamBytes).sort((a, b) => b.bytes - a.bytes)[0]
      : undefined;
  if (profile.activationPlacement === 'largest-region' && needs.activationPools) {
    // a memory-pool descriptor's plan (activation-peak.ts memoryPoolLitePlan): each pool at its own memory
    const parts: string[] = [];
    for (const p of needs.activationPools) {
      const m = mems.find((x) => x.id === p.id);
      if (!m) throw new Error(`activation pool '${p.id}' is not a memory of ${profile.id}`);
      put('activations', m, p.bytes);
      ramRoleMems.add(m);
      parts.push(`${p.bytes} B in ${m.name}`);
      if (isExternal(m) && p.bytes > 0) overflowed.push(...actRegions.map((r) => r.name));
    }
    notes.push(`activations exceed the first pool of ST's memory-pool descriptor: each buffer goes whole to one pool, ${parts.join(', ')} (${needs.activationBytes} B in all)`);
  } else if (profile.activationPlacement === 'largest-region') {
    const region = actRegions[0];
    // runtime RAM shares the region when no other internal data memory can hold it: the pool must leave it room
    const runtimeBeside = runtimeOther ? 0 : needs.runtimeRamBytes;
    const internalMax = split ? Math.min(split.internalPoolMaxBytes, region?.bytes ?? 0) : (region?.bytes ?? 0) - runtimeBeside;
    if (region && need <= internalMax) put('activations', region, need);
    else if (region && split && actExternal[0]) {
      const inside = Math.min(split.splitInternalBytes, region.bytes);
      put('activations', region, inside);
      put('activations', actExternal[0], need - inside);
      notes.push(`activations (${need} B) exceed what ${region.name} keeps for them (${split.internalPoolMaxBytes} B): ${inside} B stay there, ${need - inside} B go to ${actExternal[0].name}`);
      overflowed.push(region.name);
    } else if (actExternal[0]) {
      put('activations', actExternal[0], need);
      if (region) {
        const beside = runtimeBeside && need <= region.bytes ? ` beside ${runtimeBeside} B of runtime RAM` : '';
        notes.push(`activations (${need} B) exceed ${region.name} (${region.bytes} B${beside}): the pool goes to ${actExternal[0].name}`);
        overflowed.push(region.name);
      }
    } else if (region) put('activations', region, need); // does not fit: over-commit, reported by margins
  } else if (needs.activationPools) {
    for (const p of needs.activationPools) {
      const m = mems.find((x) => x.id === p.id);
      if (!m) throw new Error(`activation pool '${p.id}' is not a memory of ${profile.id}`);
      put('activations', m, p.bytes);
      need -= p.bytes;
      if (isExternal(m) && p.bytes > 0) {
        notes.push(`${p.bytes} B of activations spill to ${m.name}`);
        overflowed.push(...actRegions.filter((r) => !isExternal(r)).map((r) => r.name));
      }
    }
    // buffers the plan could put in no pool (a profile with no external RAM for activations): over-commit the largest
    // internal region, reported by margins, as the region-filling branch below does
    if (need > 0 && actRegions[0]) {
      notes.push(`${need} B of activations fit in no pool (no external RAM holds activations)`);
      put('activations', actRegions[0], need);
    }
  } else {
    for (const m of actRegions) {
      const b = Math.min(need, m.bytes);
      put('activations', m, b);
      need -= b;
    }
    if (need > 0) {
      const ext = actExternal[0];
      if (ext) {
        put('activations', ext, need);
        notes.push(`${need} B of activations spill to ${ext.name}`);
        overflowed.push(...actRegions.map((m) => m.name));
      } else if (actRegions[0]) put('activations', actRegions[0], need);
    }
  }

  // --- runtime RAM: an internal region not holding activations if one has room, else with the activations
  if (needs.runtimeRamBytes > 0) {
    // else the activation region when the pool left it room (e.g. the pool went to external RAM), else the pool's home
    const freedRegion = actRegions.find((m) => m.data && room(m) >= needs.runtimeRamBytes);
    const actHome = placements.find((p) => p.role === 'activations');
    const target = runtimeOther ?? freedRegion ?? (actHome ? mems.find((m) => m.id === actHome.memoryId)! : (actRegions[0] ?? mems[0]!));
    put('runtime-ram', target, needs.runtimeRamBytes);
    ramRoleMems.add(target);
  }

  // --- weights and code
  const wInternal = mems.filter((m) => m.weights && m.kind === 'internal-flash').sort((a, b) => b.bytes - a.bytes);
  const wExternal = mems.filter((m) => m.weights && (m.kind === 'external-flash' || m.kind === 'external-ram')).sort((a, b) => b.bytes - a.bytes);
  const flashRoleMems = new Set<MemoryRegion>([...wInternal, ...wExternal]);
  const codeHome = wInternal[0] ?? wExternal[0];
  if (codeHome && needs.codeFlashBytes > 0) put('code', codeHome, needs.codeFlashBytes);
  const inF = wInternal[0];
  if (inF && room(inF) >= needs.weightBytes) put('weights', inF, needs.weightBytes);
  else if (wExternal[0]) {
    put('weights', wExternal[0], needs.weightBytes);
    if (inF) {
      notes.push(`weights (${needs.weightBytes} B) do not fit ${inF.name} beside the code: they go to ${wExternal[0].name}`);
      overflowed.push(inF.name);
    }
  } else if (inF) put('weights', inF, needs.weightBytes);

  const summary = (roles: MemoryRole[], roleMems: Set<MemoryRegion>): RoleSummary => {
    const ps = placements.filter((p) => roles.includes(p.role));
    const internalBytes = ps.filter((p) => !p.external).reduce((s, p) => s + p.bytes, 0);
    const externalBytes = ps.filter((p) => p.external).reduce((s, p) => s + p.bytes, 0);
    const memsList = [...roleMems];
    const capacityBytes = memsList.reduce((s, m) => s + m.bytes, 0);
    // room left in this role's memories (other roles sharing a memory, e.g. MPU DDR, count against it);
    // when one of them is over-full, the shortfall of the worst one (free bytes elsewhere do not help a
    // pool that must be contiguous)
    const worstRoom = Math.min(...memsList.map(room));
    const marginBytes = worstRoom < 0 ? worstRoom : memsList.reduce((s, m) => s + room(m), 0);
    const internalMems = memsList.filter((m) => !isExternal(m));
    const internalCapacityBytes = internalMems.reduce((s, m) => s + m.bytes, 0);
    const internalMarginBytes = internalCapacityBytes - internalBytes - externalBytes;
    return {
      internalBytes,
      externalBytes,
      capacityBytes,
      marginBytes,
      marginPct: capacityBytes ? (100 * marginBytes) / capacityBytes : 0,
      internalCapacityBytes,
      internalMarginBytes,
    };
  };
  const ram = summary(['activations', 'runtime-ram'], ramRoleMems);
  const flash = summary(['weights', 'code'], flashRoleMems);

  // limiting memory: the used memory with the least relative room
  let limiting = '';
  let worst = Infinity;
  for (const m of mems) {
    const u = used.get(m.id)!;
    if (u === 0) continue;
    const rel = (m.bytes - u) / m.bytes;
    if (rel < worst) (worst = rel), (limiting = m.name);
  }
  const overfull = mems.filter((m) => used.get(m.id)! > m.bytes);
  if (!overfull.length && overflowed.length) limiting = `${overflowed[0]} (overflowed to external memory)`;
  for (const m of overfull) notes.push(`${m.name} over by ${used.get(m.id)! - m.bytes} B`);
  return {
    needs,
    memories: mems.map((m) => ({ id: m.id, name: m.name, kind: m.kind, capacityBytes: m.bytes, usedBytes: used.get(m.id)! })),
    placements,
    ram,
    flash,
    limitingMemory: limiting,
    fits: overfull.length === 0,
    usesExternal: placements.some((p) => p.external && (p.role === 'activations' || p.role === 'weights') && profile.class !== 'mpu'),
    notes,
  };
}
