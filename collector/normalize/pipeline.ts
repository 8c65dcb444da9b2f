import type { PriceTable } from '../pricing/price-table.js';
import { computeCost, readOwnCost } from './cost.js';
import { readEnvironment } from './environment.js';
import { markError } from './error-flag.js';
import { emptyFields, type LlmFields, type NormalizeStep, type SpanInput } from './llm-fields.js';
import { readModel, readProvider } from './model.js';
import { markGeneration, readOperation } from './operation.js';
import { readPromptName, readPromptVersion } from './prompt.js';
import { readQuality } from './quality.js';
import { readTimeToFirstToken } from './time-to-first-token.js';
import { readTokens } from './tokens.js';

export interface NormalizeOptions {
  /** Extra attribute keys tried first (PROMPT_NAME_KEYS, PROMPT_VERSION_KEYS, ENVIRONMENT_KEYS, QUALITY_KEYS). */
  promptNameKeys: readonly string[];
  promptVersionKeys: readonly string[];
  environmentKeys: readonly string[];
  qualityKeys: readonly string[];
  prices: PriceTable;
}

/**
 * The normalisation steps, in the order they run: the operation's heuristic needs model and tokens, generation
 * needs the operation, cost needs model and tokens.
 */
export function normalizeSteps(options: NormalizeOptions): NormalizeStep[] {
  return [
    readEnvironment(options.environmentKeys),
    readPromptName(options.promptNameKeys),
    readPromptVersion(options.promptVersionKeys),
    readModel,
    readProvider,
    readTokens,
    readOperation,
    markGeneration,
    readTimeToFirstToken,
    readOwnCost,
    computeCost(options.prices),
    readQuality(options.qualityKeys),
    markError,
  ];
}

/** Runs the steps over one span. VersionInferred is not a step: the analysis infers versions later. */
export function createNormalizer(options: NormalizeOptions): (input: SpanInput) => LlmFields {
  const steps = normalizeSteps(options);
  return (input) => {
    const fields = emptyFields();
    for (const step of steps) Object.assign(fields, step.apply(input, fields));
    return fields;
  };
}
