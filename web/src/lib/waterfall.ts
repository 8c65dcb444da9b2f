/**
 * Layout of a trace's span waterfall: spans in tree order (children under their parent, siblings by start time),
 * each with its depth and its bar's offset and width as percentages of the trace's duration.
 */
export interface WaterfallSpan {
  spanId: string;
  parentSpanId: string;
  /** Start, epoch milliseconds. */
  start: number;
  durationMs: number;
}

export interface WaterfallRow<S extends WaterfallSpan> {
  span: S;
  depth: number;
  offsetPct: number;
  widthPct: number;
}

export function layoutWaterfall<S extends WaterfallSpan>(spans: readonly S[]): WaterfallRow<S>[] {
  if (spans.length === 0) return [];
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, S[]>();
  const roots: S[] = [];
  for (const span of spans) {
    // A span whose parent is not in the trace (not yet arrived, or from another service) is shown as a root.
    if (span.parentSpanId && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else {
      roots.push(span);
    }
  }
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.start + s.durationMs));
  const total = Math.max(end - start, 0.001);
  const byStart = (a: S, b: S) => a.start - b.start;
  const rows: WaterfallRow<S>[] = [];
  const seen = new Set<string>();
  const visit = (span: S, depth: number) => {
    if (seen.has(span.spanId)) return; // defends against cycles in malformed data
    seen.add(span.spanId);
    rows.push({
      span,
      depth,
      offsetPct: ((span.start - start) / total) * 100,
      widthPct: Math.max((span.durationMs / total) * 100, 0.2),
    });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) visit(child, depth + 1);
  };
  for (const root of roots.sort(byStart)) visit(root, 0);
  // Spans only reachable through a cycle still appear.
  for (const span of spans) if (!seen.has(span.spanId)) visit(span, 0);
  return rows;
}
