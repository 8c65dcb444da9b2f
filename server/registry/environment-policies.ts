import { z } from 'zod';
import { strategySchema } from '../ramps/strategy.js';
import { detectorOverridesSchema } from './detector-overrides.js';
import { canaryPercent, nameSchema } from './names.js';

/**
 * "Requires a passing experiment" (release-gate.ts): a version newly served in the environment needs a finished
 * experiment run on `dataset` in which no category dropped by more than `maxDrop` (pass rate, or mean score) or
 * regressed significantly against the version live there.
 */
export const releaseGateSchema = z.strictObject({
  dataset: nameSchema(200),
  maxDrop: z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1'),
});
export type ReleaseGate = z.infer<typeof releaseGateSchema>;
/** A category may lose up to this share (10 points of pass rate) before the gate refuses, unless set. */
export const DEFAULT_MAX_DROP = 0.1;

/**
 * Per-environment policies. `autoRollback` / `autoPromote` let the analysis loop roll back a failing deployment or
 * promote a passing canary; `canary` holds the defaults for canaries (initial percentage, bake time before a
 * promotion); `detector` is a free object of regression-detector overrides that the analysis loop interprets.
 */
export const policiesSchema = z.strictObject({
  autoRollback: z.boolean(),
  autoPromote: z.boolean(),
  canary: z.strictObject({
    percent: canaryPercent,
    bakeMinutes: z.number().int().min(1).max(10_080),
  }),
  detector: z.record(z.string(), z.json()),
  defaultStrategy: strategySchema.nullable(),
  releaseGate: releaseGateSchema.nullable(),
});

export type Policies = z.infer<typeof policiesSchema>;

/** A partial update: only the given policies change; `canary` merges key by key; `detector` is replaced whole. */
export const policiesPatchSchema = z.strictObject({
  autoRollback: z.boolean().optional(),
  autoPromote: z.boolean().optional(),
  canary: z
    .strictObject({
      percent: canaryPercent.optional(),
      bakeMinutes: z.number().int().min(1).max(10_080).optional(),
    })
    .optional(),
  detector: detectorOverridesSchema.optional(),
  /** Replaced whole; null removes it. */
  defaultStrategy: strategySchema.nullable().optional(),
  /** null turns the gate off. */
  releaseGate: releaseGateSchema
    .extend({ maxDrop: releaseGateSchema.shape.maxDrop.default(DEFAULT_MAX_DROP) })
    .nullable()
    .optional(),
});

export type PoliciesPatch = z.infer<typeof policiesPatchSchema>;

export const DEFAULT_POLICIES: Policies = {
  autoRollback: false,
  autoPromote: false,
  canary: { percent: 10, bakeMinutes: 30 },
  detector: {},
  defaultStrategy: null,
  releaseGate: null,
};

export function mergePolicies(base: Policies, patch: PoliciesPatch = {}): Policies {
  return {
    autoRollback: patch.autoRollback ?? base.autoRollback,
    autoPromote: patch.autoPromote ?? base.autoPromote,
    canary: { ...base.canary, ...stripUndefined(patch.canary ?? {}) },
    detector: patch.detector ?? base.detector,
    defaultStrategy: patch.defaultStrategy === undefined ? base.defaultStrategy : patch.defaultStrategy,
    releaseGate: patch.releaseGate === undefined ? base.releaseGate : patch.releaseGate,
  };
}

/** Stored policies over the defaults, so policies added in later releases get their default. */
export function policiesFromJson(text: string): Policies {
  const stored = JSON.parse(text) as Partial<Policies>;
  return mergePolicies(DEFAULT_POLICIES, stored);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The lanes every installation starts with; production is primary and rolls back automatically. */
export const DEFAULT_ENVIRONMENTS = [
  { name: 'development', order: 0, primary: false, policies: DEFAULT_POLICIES },
  { name: 'qa', order: 1, primary: false, policies: DEFAULT_POLICIES },
  { name: 'staging', order: 2, primary: false, policies: DEFAULT_POLICIES },
  { name: 'production', order: 3, primary: true, policies: { ...DEFAULT_POLICIES, autoRollback: true } },
] as const;
