import type { LogDropReason, StoredKind } from './logs/span-log-events.js';
import { TRUNCATION_KINDS, type TruncationKind } from './validate/bound-strings.js';
import { DROP_REASONS, type DropReason } from './validate/validate-span.js';

/** Spans answered 503 (retryable): the client sends them again, so they are not lost. */
export type RefusalReason = 'buffer_full' | 'store_error' | 'shutting_down';
/** Requests refused before any span was read (`inflight_bytes` and `aborted` are retried by the client). */
export const REQUEST_REJECTIONS = [
  'unauthorized',
  'too_many_auth_failures',
  'unsupported_media_type',
  'too_large',
  'bad_gzip',
  'bad_protobuf',
  'bad_json',
  'inflight_bytes',
  'aborted',
] as const;
export type RequestRejection = (typeof REQUEST_REJECTIONS)[number];

const INSERT_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The collector's counters: what was received, stored, rejected and why, and how the write buffer is doing.
 * Exposed in Prometheus text format at `/metrics` and as JSON in `GET /api/v1/health`.
 * Invariant once quiet: received = accepted + rejected + refused.
 */
export class CollectorMetrics {
  spansReceived = 0;
  spansAccepted = 0;
  readonly spansRejected = new Map<DropReason, number>();
  readonly spansRefused = new Map<RefusalReason, number>();
  readonly requestsRejected = new Map<RequestRejection, number>();
  readonly stringsTruncated = new Map<TruncationKind, number>();
  logRecordsReceived = 0;
  readonly logRecordsStored = new Map<StoredKind, number>();
  readonly logRecordsDropped = new Map<LogDropReason, number>();
  /** Evaluation results from logs, by what became of them (linked: scored; no_prompt, expired: not scored). */
  readonly evaluationScores = new Map<'linked' | 'no_prompt' | 'expired', number>();
  /** Evaluation results waiting for their span. */
  pendingEvaluations = 0;
  bufferedSpans = 0;
  /** Decoded bytes of the export requests being processed now, and the most seen at once (OTLP_MAX_INFLIGHT_BYTES). */
  inflightBytes = 0;
  inflightBytesPeak = 0;
  flushes = 0;
  flushErrors = 0;
  private readonly insertBuckets = INSERT_BUCKETS_S.map(() => 0);
  private insertCount = 0;
  private insertSumS = 0;

  rejectSpans(reason: DropReason, n: number): void {
    this.spansRejected.set(reason, (this.spansRejected.get(reason) ?? 0) + n);
  }

  refuseSpans(reason: RefusalReason, n: number): void {
    this.spansRefused.set(reason, (this.spansRefused.get(reason) ?? 0) + n);
  }

  count<K>(map: Map<K, number>, key: K, n = 1): void {
    map.set(key, (map.get(key) ?? 0) + n);
  }

  truncateStrings(kind: TruncationKind, n: number): void {
    this.stringsTruncated.set(kind, (this.stringsTruncated.get(kind) ?? 0) + n);
  }

  rejectRequest(reason: RequestRejection): void {
    this.requestsRejected.set(reason, (this.requestsRejected.get(reason) ?? 0) + 1);
  }

  observeInsert(seconds: number): void {
    this.insertCount++;
    this.insertSumS += seconds;
    INSERT_BUCKETS_S.forEach((bound, i) => {
      if (seconds <= bound) this.insertBuckets[i]!++;
    });
  }

  /** The counters as plain JSON (for the health endpoint). */
  snapshot() {
    return {
      spansReceived: this.spansReceived,
      spansAccepted: this.spansAccepted,
      spansRejected: Object.fromEntries(this.spansRejected),
      spansRefused: Object.fromEntries(this.spansRefused),
      requestsRejected: Object.fromEntries(this.requestsRejected),
      stringsTruncated: Object.fromEntries(this.stringsTruncated),
      logRecordsReceived: this.logRecordsReceived,
      logRecordsStored: Object.fromEntries(this.logRecordsStored),
      logRecordsDropped: Object.fromEntries(this.logRecordsDropped),
      evaluationScores: Object.fromEntries(this.evaluationScores),
      pendingEvaluations: this.pendingEvaluations,
      bufferedSpans: this.bufferedSpans,
      inflightBytes: this.inflightBytes,
      inflightBytesPeak: this.inflightBytesPeak,
      flushes: this.flushes,
      flushErrors: this.flushErrors,
      insertSecondsSum: this.insertSumS,
      inserts: this.insertCount,
    };
  }

  /** Prometheus text exposition format 0.0.4. */
  prometheus(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    const byLabel = (label: string, keys: readonly string[], map: Map<string, number>): [string, number][] =>
      keys.map((k) => [`{${label}="${k}"}`, map.get(k) ?? 0]);
    const p = 'tracelane_collector_';
    metric(`${p}spans_received_total`, 'counter', 'Spans decoded from export requests.', [['', this.spansReceived]]);
    metric(`${p}spans_accepted_total`, 'counter', 'Spans stored and acknowledged.', [['', this.spansAccepted]]);
    metric(
      `${p}spans_rejected_total`,
      'counter',
      'Invalid spans dropped, by reason.',
      byLabel('reason', Object.keys(DROP_REASONS), this.spansRejected),
    );
    metric(
      `${p}spans_refused_total`,
      'counter',
      'Spans answered 503 for the client to retry, by reason.',
      byLabel('reason', ['buffer_full', 'store_error', 'shutting_down'], this.spansRefused),
    );
    metric(
      `${p}requests_rejected_total`,
      'counter',
      'Export requests refused before their spans were read, by reason.',
      byLabel('reason', REQUEST_REJECTIONS, this.requestsRejected),
    );
    metric(
      `${p}strings_truncated_total`,
      'counter',
      'Span strings cut to NAME_MAX_CHARS or ATTRIBUTE_VALUE_MAX_CHARS (the span is kept), by kind.',
      byLabel('kind', TRUNCATION_KINDS, this.stringsTruncated),
    );
    metric(`${p}log_records_received_total`, 'counter', 'Log records decoded from export requests.', [
      ['', this.logRecordsReceived],
    ]);
    metric(
      `${p}log_records_stored_total`,
      'counter',
      'GenAI events from logs attached to their span, by kind (score, content, event).',
      byLabel('kind', ['score', 'content', 'event'], this.logRecordsStored),
    );
    metric(
      `${p}log_records_dropped_total`,
      'counter',
      'Log records not stored, by reason (unrelated: not a GenAI event; unlinked: no span; malformed).',
      byLabel('reason', ['unrelated', 'unlinked', 'malformed'], this.logRecordsDropped),
    );
    metric(
      `${p}evaluation_scores_total`,
      'counter',
      'Evaluation results from logs, by outcome (linked: a score of the span; no_prompt, expired: no score).',
      byLabel('outcome', ['linked', 'no_prompt', 'expired'], this.evaluationScores),
    );
    metric(`${p}pending_evaluations`, 'gauge', 'Evaluation results from logs waiting for their span.', [
      ['', this.pendingEvaluations],
    ]);
    metric(`${p}buffered_spans`, 'gauge', 'Spans in the write buffer, waiting or being inserted.', [
      ['', this.bufferedSpans],
    ]);
    metric(`${p}inflight_bytes`, 'gauge', 'Decoded bytes of the export requests being processed.', [
      ['', this.inflightBytes],
    ]);
    metric(`${p}flushes_total`, 'counter', 'Inserts of the write buffer.', [['', this.flushes]]);
    metric(`${p}flush_errors_total`, 'counter', 'Inserts of the write buffer that failed.', [['', this.flushErrors]]);
    const cumulative: [string, number][] = INSERT_BUCKETS_S.map((bound, i) => [
      `_bucket{le="${bound}"}`,
      this.insertBuckets[i]!,
    ]);
    lines.push(
      `# HELP ${p}insert_duration_seconds Time one buffer insert took.`,
      `# TYPE ${p}insert_duration_seconds histogram`,
    );
    for (const [suffix, value] of [...cumulative, ['_bucket{le="+Inf"}', this.insertCount] as [string, number]]) {
      lines.push(`${p}insert_duration_seconds${suffix} ${value}`);
    }
    lines.push(
      `${p}insert_duration_seconds_sum ${this.insertSumS}`,
      `${p}insert_duration_seconds_count ${this.insertCount}`,
    );
    return lines.join('\n') + '\n';
  }
}
