import { createNormalizer, type NormalizeOptions } from './normalize/pipeline.js';
import { decodeJsonTraces } from './otlp/json-codec.js';
import { decodeProtobufTraces } from './otlp/protobuf-codec.js';
import type { LlmFields } from './normalize/llm-fields.js';
import type { Attributes, Scope, Span, TraceExport } from './otlp/span.js';
import { loadPriceTable } from './pricing/price-table.js';
import { SpanBlock } from './rows/span-block.js';
import { spanRow, type SpanRow } from './rows/span-row.js';
import {
  boundResource,
  boundScope,
  boundSpan,
  Truncations,
  type StringLimits,
  type TruncationKind,
} from './validate/bound-strings.js';
import { checkSpan, DROP_REASONS, spanLimits, type DropReason } from './validate/validate-span.js';

/** The encoding of a request body, and so of its response. */
export type OtlpEncoding = 'protobuf' | 'json';

/** Everything one export request needs besides its body; plain data, so it can be handed to a worker thread. */
export interface IngestSettings {
  promptNameKeys: readonly string[];
  promptVersionKeys: readonly string[];
  environmentKeys: readonly string[];
  qualityKeys: readonly string[];
  /** PRICES_FILE ('' for the shipped prices only). */
  pricesFile: string;
  maxAttributes: number;
  /** NAME_MAX_CHARS and ATTRIBUTE_VALUE_MAX_CHARS. */
  maxNameChars: number;
  maxValueChars: number;
  retentionDays: number;
  /** 'native': the accepted spans come back as one Native block (Store.insertNative); 'rows': as SpanRow objects. */
  output: 'native' | 'rows';
}

/** The spans of one request that passed validation, ready for the write buffer. */
export type SpanBatch = { native: Uint8Array; rows?: undefined } | { rows: SpanRow[]; native?: undefined };

/** One request after decoding, validation and normalisation. */
export interface IngestedExport {
  batch: SpanBatch;
  accepted: number;
  received: number;
  rejected: Partial<Record<DropReason, number>>;
  truncated: Partial<Record<TruncationKind, number>>;
  /** The partial-success message ('' when every span was stored whole). */
  message: string;
}

/**
 * The collector's per-request work, free of I/O and shared state so that it runs in worker threads: decode the body
 * (throws OtlpDecodeError when its structure is lost), reject each malformed or invalid span with a counted reason,
 * bound every stored string, normalise, and build the rows — as one Native block when the store takes those.
 */
export function createExportIngest(
  settings: IngestSettings,
): (body: Uint8Array, encoding: OtlpEncoding) => IngestedExport {
  const normalize = createNormalizer(normalizeOptions(settings));
  return (body, encoding) => {
    const request =
      encoding === 'protobuf' ? decodeProtobufTraces(body) : decodeJsonTraces(Buffer.from(body).toString('utf8'));
    const accepted = settings.output === 'native' ? new SpanBlock() : new SpanRows();
    const result = validateAndNormalize(request, normalize, settings, accepted);
    const batch: SpanBatch = accepted instanceof SpanBlock ? { native: accepted.encode() } : { rows: accepted.rows };
    return { batch, accepted: accepted.length, ...result };
  };
}

function normalizeOptions(settings: IngestSettings): NormalizeOptions {
  return {
    promptNameKeys: settings.promptNameKeys,
    promptVersionKeys: settings.promptVersionKeys,
    environmentKeys: settings.environmentKeys,
    qualityKeys: settings.qualityKeys,
    prices: loadPriceTable(settings.pricesFile),
  };
}

function validateAndNormalize(
  request: TraceExport,
  normalize: ReturnType<typeof createNormalizer>,
  settings: IngestSettings,
  accepted: SpanBlock | SpanRows,
): Omit<IngestedExport, 'batch' | 'accepted'> {
  const limits = spanLimits(settings.maxAttributes, settings.retentionDays, Date.now());
  const strings: StringLimits = { nameChars: settings.maxNameChars, valueChars: settings.maxValueChars };
  const rejected = new Rejections();
  const cuts = new Truncations();
  let received = 0;
  for (const resourceSpans of request) {
    boundResource(resourceSpans, strings, cuts);
    for (const { scope, spans, malformed } of resourceSpans.scopeSpans) {
      boundScope(scope, strings, cuts);
      const enclosing = resourceSpans.malformed ?? malformed;
      for (const span of spans) {
        received++;
        const problem = enclosing ?? span.malformed;
        if (problem !== undefined) {
          rejected.add('malformed', span, problem);
          continue;
        }
        const reason = checkSpan(span, limits);
        if (reason) {
          rejected.add(reason, span);
          continue;
        }
        boundSpan(span, strings, cuts);
        accepted.add(resourceSpans.resource, scope, span, normalize({ span, resource: resourceSpans.resource }));
      }
    }
  }
  return {
    received,
    rejected: rejected.counts(),
    truncated: Object.fromEntries(cuts.counts),
    message: [rejected.message(), cuts.message(strings)].filter(Boolean).join('; '),
  };
}

/** Accepted spans as row objects, for a store that takes rows (Store.insert). */
class SpanRows {
  readonly rows: SpanRow[] = [];

  get length(): number {
    return this.rows.length;
  }

  add(resource: Attributes, scope: Scope, span: Span, llm: LlmFields): void {
    this.rows.push(spanRow(resource, scope, span, llm));
  }
}

/** Rejected spans by reason, with the first example of each, for the partial-success message. */
class Rejections {
  private total = 0;
  private readonly byReason = new Map<DropReason, { count: number; example: Span; detail: string }>();

  /** `detail` says what exactly was wrong with this span (a malformed value's field path and problem). */
  add(reason: DropReason, span: Span, detail: string = DROP_REASONS[reason]): void {
    this.total++;
    const entry = this.byReason.get(reason);
    if (entry) entry.count++;
    else this.byReason.set(reason, { count: 1, example: span, detail });
  }

  counts(): Partial<Record<DropReason, number>> {
    const counts: Partial<Record<DropReason, number>> = {};
    for (const [reason, { count }] of this.byReason) counts[reason] = count;
    return counts;
  }

  message(): string {
    if (this.total === 0) return '';
    const parts = [...this.byReason].map(
      ([reason, { count, example, detail }]) =>
        `${count} ${reason} (${detail}; e.g. span ${quote(example.name)} traceId ${quote(example.traceId)} spanId ${quote(example.spanId)})`,
    );
    return `rejected ${this.total} spans: ${parts.join(', ')}`;
  }
}

const quote = (s: string) => JSON.stringify(s.length > 64 ? s.slice(0, 64) + '…' : s);
