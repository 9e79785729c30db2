/** Public API of the targets module (used by the report and the CLI). See docs/targets.md. */
export { evaluateTargets, evaluateProfile, calibratedModels, DEFAULT_TARGETS, type TargetResult } from './evaluate.ts';
export { listTargets, resolveTarget, builtinProfiles } from './resolve.ts';
export { parseProfile, type TargetProfile, type MemoryRegion, type Engine } from './profile-schema.ts';
export { mapMemory, type MemoryMapping, type MemoryNeeds } from './memory-map.ts';
export { modelFeatures, type ModelFeatures } from './model-features.ts';
export { calibrate, type CalibrationReport } from './calibration/calibrate.ts';
