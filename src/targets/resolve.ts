/**
 * Loads the built-in profiles (src/targets/profiles/*.json) and resolves `--target` values: a name as ST's
 * tables print it (case-insensitive; board, series or alias), or a path to a user's own JSON profile.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgefitError } from '../analyzer/errors.ts';
import { parseProfile, type TargetProfile } from './profile-schema.ts';

export const PROFILES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'profiles');
const MAX_PROFILE_BYTES = 1 << 20;

let builtins: TargetProfile[] | undefined;

/** Every built-in profile, validated (a broken built-in file is a BAD_PROFILE error naming it). */
export function builtinProfiles(): TargetProfile[] {
  if (!builtins) {
    builtins = readdirSync(PROFILES_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => loadProfileFile(join(PROFILES_DIR, f)));
  }
  return builtins;
}

export function loadProfileFile(path: string): TargetProfile {
  if (!existsSync(path)) throw new EdgefitError('FILE_NOT_FOUND', `target profile ${path} not found`);
  if (!statSync(path).isFile()) throw new EdgefitError('BAD_PROFILE', `target profile ${path} is not a file`);
  if (statSync(path).size > MAX_PROFILE_BYTES) throw new EdgefitError('BAD_PROFILE', `target profile ${path} is larger than 1 MiB`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EdgefitError('BAD_PROFILE', `target profile ${path} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseProfile(raw, path);
}

const norm = (s: string): string => s.trim().toLowerCase().replace(/[\s_]+/g, '-');

function looksLikePath(s: string): boolean {
  return s.endsWith('.json') || s.includes('/') || s.includes('\\');
}

/**
 * A built-in profile by id, name or alias (case-insensitive), or a user's profile file. The "STM32" prefix may be left
 * out of any of them (`MP1` = `STM32MP1`, `MP13`, `F7`), as `H7`, `N6` and `U5` are written; an exact name wins.
 */
export function resolveTarget(nameOrPath: string): TargetProfile {
  if (looksLikePath(nameOrPath)) return loadProfileFile(resolve(nameOrPath));
  const key = norm(nameOrPath);
  for (const k of key.startsWith('stm32') ? [key] : [key, `stm32${key}`]) {
    for (const p of builtinProfiles()) {
      if ([p.id, p.name, ...p.aliases].some((n) => norm(n) === k)) return p;
    }
  }
  const known = builtinProfiles()
    .map((p) => p.name)
    .join(', ');
  throw new EdgefitError('UNKNOWN_TARGET', `unknown target '${nameOrPath}' (known: ${known}; or give a ./profile.json)`);
}

/** The built-in profiles in display order (boards before series, MCU → NPU → MPU). */
export function listTargets(): TargetProfile[] {
  const order = { mcu: 0, npu: 1, mpu: 2 } as const;
  return [...builtinProfiles()].sort((a, b) => order[a.class] - order[b.class] || a.name.localeCompare(b.name));
}
