import type { LlmFields, SpanInput } from './normalize/llm-fields.js';
import type { CollectorMetrics } from './metrics.js';
import type { Span, TraceExport } from './otlp/span.js';
import { spanRow, type SpanRow } from './rows/span-row.js';
import { truncateResourceValues, truncateSpanValues } from './validate/truncate-values.js';
import { checkSpan, DROP_REASONS, spanLimits, type DropReason } from './validate/validate-span.js';
import { BufferClosedError, BufferFullError, StoreWriteError, type WriteBuffer } from './write-buffer.js';

export interface IngestOptions {
  buffer: WriteBuffer<SpanRow>;
  normalize: (input: SpanInput) => LlmFields;
  metrics: CollectorMetrics;
  maxAttributes: number;
  maxValueChars: number;
  retentionDays: number;
}

/** What the client is told on success: how many spans were rejected and why (empty when all were stored). */
export interface IngestResult {
  rejectedSpans: number;
  errorMessage: string;
}

/**
 * One export request, after decoding: validate each span (dropping invalid ones with a counted reason), truncate
 * absurd values, normalise, build rows, and wait until the write buffer has stored them. Throws the buffer's
 * refusal (full, closing) or the store's failure; the receiver answers those 503 for the client to retry.
 */
export function createIngest(options: IngestOptions): (request: TraceExport) => Promise<IngestResult> {
  const { buffer, normalize, metrics } = options;
  return async (request) => {
    const limits = spanLimits(options.maxAttributes, options.retentionDays, Date.now());
    const rows: SpanRow[] = [];
    const rejected = new Rejections();
    let truncated = 0;
    for (const resourceSpans of request) {
      truncated += truncateResourceValues(resourceSpans, options.maxValueChars);
      for (const { scope, spans } of resourceSpans.scopeSpans) {
        for (const span of spans) {
          metrics.spansReceived++;
          const reason = checkSpan(span, limits);
          if (reason) {
            metrics.rejectSpan(reason);
            rejected.add(reason, span);
            continue;
          }
          truncated += truncateSpanValues(span, options.maxValueChars);
          const llm = normalize({ span, resource: resourceSpans.resource });
          rows.push(spanRow(resourceSpans.resource, scope, span, llm));
        }
      }
    }
    metrics.valuesTruncated += truncated;
    try {
      await buffer.write(rows);
    } catch (err) {
      if (err instanceof BufferFullError) metrics.refuseSpans('buffer_full', rows.length);
      if (err instanceof BufferClosedError) metrics.refuseSpans('shutting_down', rows.length);
      if (err instanceof StoreWriteError) metrics.refuseSpans('store_error', rows.length);
      throw err;
    }
    metrics.spansAccepted += rows.length;
    const warning =
      truncated > 0
        ? `${truncated} attribute values longer than ${options.maxValueChars} characters were truncated`
        : '';
    return { rejectedSpans: rejected.total, errorMessage: [rejected.message(), warning].filter(Boolean).join('; ') };
  };
}

/** Rejected spans by reason, with the first example of each, for the partial-success message. */
class Rejections {
  total = 0;
  private readonly byReason = new Map<DropReason, { count: number; example: Span }>();

  add(reason: DropReason, span: Span): void {
    this.total++;
    const entry = this.byReason.get(reason);
    if (entry) entry.count++;
    else this.byReason.set(reason, { count: 1, example: span });
  }

  message(): string {
    if (this.total === 0) return '';
    const parts = [...this.byReason].map(
      ([reason, { count, example }]) =>
        `${count} ${reason} (${DROP_REASONS[reason]}; e.g. span ${quote(example.name)} traceId ${quote(example.traceId)} spanId ${quote(example.spanId)})`,
    );
    return `rejected ${this.total} spans: ${parts.join(', ')}`;
  }
}

const quote = (s: string) => JSON.stringify(s.length > 64 ? s.slice(0, 64) + '…' : s);
