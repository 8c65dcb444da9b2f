import type { ScoreTarget } from './score-target-query.js';

/** A stored score, as `POST /api/v1/scores` returns it. */
export interface Score {
  id: string;
  traceId: string;
  spanId: string;
  name: string;
  /** 0..1 (booleans stored as 1 / 0). */
  value: number;
  source: 'user' | 'evaluator' | 'human';
  comment: string;
  /** Copied from the span the score is attributed to; version '' when the span had none (inferred at query time). */
  environment: string;
  prompt: string;
  version: string;
  model: string;
  spanTime: string;
  createdAt: string;
}

/** What a score says, before it is attributed to its span. */
export type ScoreInput = Pick<Score, 'id' | 'traceId' | 'name' | 'value' | 'source' | 'comment'>;

/** A score attributed to its span: the span's environment, prompt, version, model and time are copied onto it. */
export function scoreOf(target: ScoreTarget, input: ScoreInput): Score {
  return {
    ...input,
    spanId: target.spanId,
    environment: target.environment,
    prompt: target.prompt,
    version: target.version,
    model: target.model,
    spanTime: target.time,
    createdAt: new Date().toISOString(),
  };
}

/** The `scores` row of a score (also written for evaluation results received as OTLP logs). */
export function scoreRow(score: Score, actor: string) {
  return {
    id: score.id,
    trace_id: score.traceId,
    span_id: score.spanId,
    name: score.name,
    value: score.value,
    source: score.source,
    comment: score.comment,
    environment: score.environment,
    prompt: score.prompt,
    version: score.version,
    model: score.model,
    span_time: score.spanTime,
    created_at: score.createdAt,
    actor,
  };
}
