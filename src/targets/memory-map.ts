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
  const ledger = new Ledger(mems);
  const homes = activationHomes(profile);
  const ramRoleMems = new Set<MemoryRegion>([...homes.regions, ...homes.external]);
  // runtime RAM's home when it need not share the activations' memory: the largest other internal data RAM that
  // holds it (chosen before the activations are placed, which never touch it; the pool's size depends on it)
  const runtimeOther =
    needs.runtimeRamBytes > 0
      ? mems.filter((m) => m.kind === 'internal-ram' && m.data && !homes.regions.includes(m) && m.bytes >= needs.runtimeRamBytes).sort((a, b) => b.bytes - a.bytes)[0]
      : undefined;
  placeActivations(ledger, profile, needs, homes, { split: activationSplitFor(profile, opts.toolVersion), runtimeOther, ramRoleMems });
  if (needs.runtimeRamBytes > 0) ramRoleMems.add(placeRuntimeRam(ledger, mems, needs.runtimeRamBytes, homes.regions, runtimeOther));
  const flashRoleMems = placeWeightsAndCode(ledger, mems, needs);
  const ram = roleSummary(ledger, ['activations', 'runtime-ram'], ramRoleMems);
  const flash = roleSummary(ledger, ['weights', 'code'], flashRoleMems);

  let limiting = leastRoomMemory(ledger, mems);
  const overfull = mems.filter((m) => ledger.usedBytes(m) > m.bytes);
  if (!overfull.length && ledger.overflowed.length) limiting = `${ledger.overflowed[0]} (overflowed to external memory)`;
  for (const m of overfull) ledger.notes.push(`${m.name} over by ${ledger.usedBytes(m) - m.bytes} B`);
  return {
    needs,
    memories: mems.map((m) => ({ id: m.id, name: m.name, kind: m.kind, capacityBytes: m.bytes, usedBytes: ledger.usedBytes(m) })),
    placements: ledger.placements,
    ram,
    flash,
    limitingMemory: limiting,
    fits: overfull.length === 0,
    usesExternal: ledger.placements.some((p) => p.external && (p.role === 'activations' || p.role === 'weights') && profile.class !== 'mpu'),
    notes: ledger.notes,
  };
}

/** What mapMemory has placed so far: bytes per memory, the placements in order, its notes. */
class Ledger {
  private readonly used: Map<string, number>;
  readonly placements: Placement[] = [];
  readonly notes: string[] = [];
  /** Internal memories whose content had to move to external memory (they are what limits the model). */
  readonly overflowed: string[] = [];

  constructor(mems: readonly MemoryRegion[]) {
    this.used = new Map(mems.map((m) => [m.id, 0]));
  }

  put(role: MemoryRole, m: MemoryRegion, bytes: number): void {
    if (bytes <= 0) return;
    this.used.set(m.id, this.used.get(m.id)! + bytes);
    this.placements.push({ role, memoryId: m.id, memoryName: m.name, external: isExternal(m), bytes });
  }

  usedBytes(m: MemoryRegion): number {
    return this.used.get(m.id)!;
  }

  room(m: MemoryRegion): number {
    return m.bytes - this.used.get(m.id)!;
  }
}

/** Where activations may go: internal regions (largest first; only the largest for 'largest-region') and external RAM. */
interface ActivationHomes {
  regions: MemoryRegion[];
  external: MemoryRegion[];
}

function activationHomes(profile: TargetProfile): ActivationHomes {
  const internal = profile.memories.filter((m) => m.activations && m.kind === 'internal-ram').sort((a, b) => b.bytes - a.bytes);
  const external = profile.memories.filter((m) => m.activations && m.kind === 'external-ram').sort((a, b) => b.bytes - a.bytes);
  return { regions: profile.activationPlacement === 'largest-region' ? internal.slice(0, 1) : internal, external };
}

interface ActivationContext {
  /** The profile's split rule for the tool version asked (activationSplitFor). */
  split: ActivationSplit | undefined;
  /** The internal region runtime RAM takes when not the activations' (none: it shares theirs). */
  runtimeOther: MemoryRegion | undefined;
  /** The RAM role's memories: a memory-pool descriptor adds the memories its pools are at. */
  ramRoleMems: Set<MemoryRegion>;
}

function placeActivations(ledger: Ledger, profile: TargetProfile, needs: MemoryNeeds, homes: ActivationHomes, ctx: ActivationContext): void {
  if (profile.activationPlacement === 'largest-region') {
    if (needs.activationPools) placeDescriptorPools(ledger, profile, needs, needs.activationPools, homes, ctx.ramRoleMems);
    else placeLargestRegion(ledger, needs, homes, ctx);
  } else if (needs.activationPools) placeCompilerPools(ledger, profile, needs, needs.activationPools, homes);
  else fillRegions(ledger, needs, homes);
}

function poolMemory(profile: TargetProfile, id: string): MemoryRegion {
  const m = profile.memories.find((x) => x.id === id);
  if (!m) throw new Error(`activation pool '${id}' is not a memory of ${profile.id}`);
  return m;
}

/** A memory-pool descriptor's plan (activation-peak.ts memoryPoolLitePlan): each pool at its own memory. */
function placeDescriptorPools(ledger: Ledger, profile: TargetProfile, needs: MemoryNeeds, pools: readonly { id: string; bytes: number }[], homes: ActivationHomes, ramRoleMems: Set<MemoryRegion>): void {
  const parts: string[] = [];
  for (const p of pools) {
    const m = poolMemory(profile, p.id);
    ledger.put('activations', m, p.bytes);
    ramRoleMems.add(m);
    parts.push(`${p.bytes} B in ${m.name}`);
    if (isExternal(m) && p.bytes > 0) ledger.overflowed.push(...homes.regions.map((r) => r.name));
  }
  ledger.notes.push(`activations exceed the first pool of ST's memory-pool descriptor: each buffer goes whole to one pool, ${parts.join(', ')} (${needs.activationBytes} B in all)`);
}

/** One pool in the largest internal region; split or moved whole to external RAM when it does not fit there. */
function placeLargestRegion(ledger: Ledger, needs: MemoryNeeds, homes: ActivationHomes, { split, runtimeOther }: ActivationContext): void {
  const need = needs.activationBytes;
  const region = homes.regions[0];
  const external = homes.external[0];
  // runtime RAM shares the region when no other internal data memory can hold it: the pool must leave it room
  const runtimeBeside = runtimeOther ? 0 : needs.runtimeRamBytes;
  const internalMax = split ? Math.min(split.internalPoolMaxBytes, region?.bytes ?? 0) : (region?.bytes ?? 0) - runtimeBeside;
  if (region && need <= internalMax) ledger.put('activations', region, need);
  else if (region && split && external) {
    const inside = Math.min(split.splitInternalBytes, region.bytes);
    ledger.put('activations', region, inside);
    ledger.put('activations', external, need - inside);
    ledger.notes.push(`activations (${need} B) exceed what ${region.name} keeps for them (${split.internalPoolMaxBytes} B): ${inside} B stay there, ${need - inside} B go to ${external.name}`);
    ledger.overflowed.push(region.name);
  } else if (external) {
    ledger.put('activations', external, need);
    if (region) {
      const beside = runtimeBeside && need <= region.bytes ? ` beside ${runtimeBeside} B of runtime RAM` : '';
      ledger.notes.push(`activations (${need} B) exceed ${region.name} (${region.bytes} B${beside}): the pool goes to ${external.name}`);
      ledger.overflowed.push(region.name);
    }
  } else if (region) ledger.put('activations', region, need); // does not fit: over-commit, reported by margins
}

/** The compiler's per-pool plan ('all-regions', N6): each pool gets its own high-water mark. */
function placeCompilerPools(ledger: Ledger, profile: TargetProfile, needs: MemoryNeeds, pools: readonly { id: string; bytes: number }[], homes: ActivationHomes): void {
  let need = needs.activationBytes;
  for (const p of pools) {
    const m = poolMemory(profile, p.id);
    ledger.put('activations', m, p.bytes);
    need -= p.bytes;
    if (isExternal(m) && p.bytes > 0) {
      ledger.notes.push(`${p.bytes} B of activations spill to ${m.name}`);
      ledger.overflowed.push(...homes.regions.filter((r) => !isExternal(r)).map((r) => r.name));
    }
  }
  // buffers the plan could put in no pool (a profile with no external RAM for activations): over-commit the largest
  // internal region, reported by margins, as fillRegions does
  if (need > 0 && homes.regions[0]) {
    ledger.notes.push(`${need} B of activations fit in no pool (no external RAM holds activations)`);
    ledger.put('activations', homes.regions[0], need);
  }
}

/** No plan per pool ('all-regions'): fill the internal regions largest first, the rest spills to external RAM. */
function fillRegions(ledger: Ledger, needs: MemoryNeeds, homes: ActivationHomes): void {
  let need = needs.activationBytes;
  for (const m of homes.regions) {
    const b = Math.min(need, m.bytes);
    ledger.put('activations', m, b);
    need -= b;
  }
  if (need > 0) {
    const ext = homes.external[0];
    if (ext) {
      ledger.put('activations', ext, need);
      ledger.notes.push(`${need} B of activations spill to ${ext.name}`);
      ledger.overflowed.push(...homes.regions.map((m) => m.name));
    } else if (homes.regions[0]) ledger.put('activations', homes.regions[0], need);
  }
}

/**
 * Runtime RAM: an internal region not holding activations if one has room, else the activation region when the
 * pool left it room (e.g. the pool went to external RAM), else the pool's home. Returns the memory it went to.
 */
function placeRuntimeRam(ledger: Ledger, mems: readonly MemoryRegion[], bytes: number, regions: readonly MemoryRegion[], runtimeOther: MemoryRegion | undefined): MemoryRegion {
  const freedRegion = regions.find((m) => m.data && ledger.room(m) >= bytes);
  const actHome = ledger.placements.find((p) => p.role === 'activations');
  const target = runtimeOther ?? freedRegion ?? (actHome ? mems.find((m) => m.id === actHome.memoryId)! : (regions[0] ?? mems[0]!));
  ledger.put('runtime-ram', target, bytes);
  return target;
}

/** Code in the largest internal flash; weights beside it when they fit, else in external flash. Returns the flash role's memories. */
function placeWeightsAndCode(ledger: Ledger, mems: readonly MemoryRegion[], needs: MemoryNeeds): Set<MemoryRegion> {
  const wInternal = mems.filter((m) => m.weights && m.kind === 'internal-flash').sort((a, b) => b.bytes - a.bytes);
  const wExternal = mems.filter((m) => m.weights && (m.kind === 'external-flash' || m.kind === 'external-ram')).sort((a, b) => b.bytes - a.bytes);
  const codeHome = wInternal[0] ?? wExternal[0];
  if (codeHome && needs.codeFlashBytes > 0) ledger.put('code', codeHome, needs.codeFlashBytes);
  const inF = wInternal[0];
  if (inF && ledger.room(inF) >= needs.weightBytes) ledger.put('weights', inF, needs.weightBytes);
  else if (wExternal[0]) {
    ledger.put('weights', wExternal[0], needs.weightBytes);
    if (inF) {
      ledger.notes.push(`weights (${needs.weightBytes} B) do not fit ${inF.name} beside the code: they go to ${wExternal[0].name}`);
      ledger.overflowed.push(inF.name);
    }
  } else if (inF) ledger.put('weights', inF, needs.weightBytes);
  return new Set<MemoryRegion>([...wInternal, ...wExternal]);
}

function roleSummary(ledger: Ledger, roles: MemoryRole[], roleMems: Set<MemoryRegion>): RoleSummary {
  const ps = ledger.placements.filter((p) => roles.includes(p.role));
  const internalBytes = ps.filter((p) => !p.external).reduce((s, p) => s + p.bytes, 0);
  const externalBytes = ps.filter((p) => p.external).reduce((s, p) => s + p.bytes, 0);
  const memsList = [...roleMems];
  const capacityBytes = memsList.reduce((s, m) => s + m.bytes, 0);
  // room left in this role's memories (other roles sharing a memory, e.g. MPU DDR, count against it);
  // when one of them is over-full, the shortfall of the worst one (free bytes elsewhere do not help a
  // pool that must be contiguous)
  const worstRoom = Math.min(...memsList.map((m) => ledger.room(m)));
  const marginBytes = worstRoom < 0 ? worstRoom : memsList.reduce((s, m) => s + ledger.room(m), 0);
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
}

/** The used memory with the least relative room ('' when nothing is placed). */
function leastRoomMemory(ledger: Ledger, mems: readonly MemoryRegion[]): string {
  let limiting = '';
  let worst = Infinity;
  for (const m of mems) {
    const u = ledger.usedBytes(m);
    if (u === 0) continue;
    const rel = (m.bytes - u) / m.bytes;
    if (rel < worst) (worst = rel), (limiting = m.name);
  }
  return limiting;
}
