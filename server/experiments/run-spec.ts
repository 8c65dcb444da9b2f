import type { EvaluatorDefinition } from '../evaluators/evaluator-spec.js';

/** What a run does, fixed when it is queued (the evaluator definitions are copied, so later edits do not change it). */
export interface RunSpec {
  prompt: string;
  version: number;
  dataset: string;
  datasetVersion: number;
  /** Items in the dataset at that version. */
  items: number;
  connection: string;
  /** The model asked; the version's own model unless the run names another. */
  model: string;
  evaluators: EvaluatorDefinition[];
  /** The run of the baseline version this one is compared with ('' for none). */
  baselineRunId: string;
}

export const RUN_STATES = ['queued', 'running', 'completed', 'cancelled', 'interrupted', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];
export const FINISHED_STATES: readonly RunState[] = ['completed', 'cancelled', 'interrupted', 'failed'];
export const isFinished = (state: RunState) => FINISHED_STATES.includes(state);
