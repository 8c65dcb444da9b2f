import type { OnlineEvaluation, StoredEvaluator } from './api-types.js';
import type { OnlineConfigBody } from './evaluation-api.js';

/** Evaluator types that compare with an expected output: live traffic has none, so they cannot run online. */
const LABELLED = new Set(['exact_match', 'json_field', 'numeric']);

export const canRunOnline = (e: Pick<StoredEvaluator, 'config'>) => !LABELLED.has(e.config.type);

/** The online-evaluation form of an environment, as text; defaults when it has none yet. */
export interface OnlineForm {
  enabled: boolean;
  evaluators: string[];
  /** Percent of traces. */
  ratePercent: string;
  maxPerMinute: string;
  dailyBudgetUsd: string;
}

export function onlineForm(state: OnlineEvaluation | undefined): OnlineForm {
  if (!state) return { enabled: true, evaluators: [], ratePercent: '10', maxPerMinute: '60', dailyBudgetUsd: '5' };
  const c = state.config;
  return {
    enabled: c.enabled,
    evaluators: [...c.evaluators],
    ratePercent: String(Number((c.sampleRate * 100).toPrecision(6))),
    maxPerMinute: String(c.maxPerMinute),
    dailyBudgetUsd: String(c.dailyBudgetUsd),
  };
}

/** The PUT body (numbers as typed; the server names the field of a bad one). */
export function onlineBody(form: OnlineForm): OnlineConfigBody {
  return {
    enabled: form.enabled,
    evaluators: form.evaluators,
    sampleRate: Number(form.ratePercent) / 100,
    maxPerMinute: Number(form.maxPerMinute),
    dailyBudgetUsd: Number(form.dailyBudgetUsd),
  };
}
