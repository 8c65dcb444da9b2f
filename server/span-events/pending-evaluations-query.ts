import type { Store } from '../store/store.js';

/** An evaluation result received as a log record that has not become a score yet. */
export interface PendingEvaluation {
  scoreId: string;
  traceId: string;
  spanId: string;
  name: string;
  value: number;
  explanation: string;
}

/**
 * Evaluation results (with a usable score) received in the last `windowMs` whose score is not written yet — the
 * same result sent twice counts once. Scores are looked up by id among those created in the window.
 */
export function pendingEvaluations(store: Store, windowMs: number, limit: number): Promise<PendingEvaluation[]> {
  return store.query<PendingEvaluation>(
    `SELECT ScoreId AS scoreId, TraceId AS traceId, SpanId AS spanId, ScoreName AS name, assumeNotNull(ScoreValue) AS value,
            Attributes['gen_ai.evaluation.explanation'] AS explanation
     FROM span_log_events
     WHERE ScoreId != '' AND ScoreValue IS NOT NULL
       AND ReceivedAt >= now64(3) - toIntervalMillisecond({windowMs:UInt32})
       AND ScoreId NOT IN (
         SELECT id FROM scores
         WHERE created_at >= now64(3) - toIntervalMillisecond({windowMs:UInt32}) - INTERVAL 10 MINUTE
           AND startsWith(id, 'score_otlp_'))
     ORDER BY ReceivedAt
     LIMIT 1 BY ScoreId
     LIMIT {limit:UInt32}`,
    { windowMs, limit },
  );
}
