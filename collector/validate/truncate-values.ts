import type { Attributes, ResourceSpans, Span } from '../otlp/span.js';

/**
 * Absurdly long attribute values (a whole document pasted into an attribute) are cut to `maxChars` rather than
 * losing the span: the span still counts in metrics, and the cut is counted and reported to the client as a
 * partial-success warning. Truncation happens in place, on the decoded request, before normalisation.
 */
export function truncateSpanValues(span: Span, maxChars: number): number {
  let cut = truncate(span.attributes, maxChars);
  for (const event of span.events) cut += truncate(event.attributes, maxChars);
  for (const link of span.links) cut += truncate(link.attributes, maxChars);
  if (span.statusMessage.length > maxChars) {
    span.statusMessage = span.statusMessage.slice(0, maxChars);
    cut++;
  }
  return cut;
}

export function truncateResourceValues(resourceSpans: ResourceSpans, maxChars: number): number {
  return truncate(resourceSpans.resource, maxChars);
}

function truncate(attributes: Attributes, maxChars: number): number {
  let cut = 0;
  for (const key in attributes) {
    const value = attributes[key]!;
    if (value.length > maxChars) {
      attributes[key] = value.slice(0, maxChars);
      cut++;
    }
  }
  return cut;
}
