import type protobuf from 'protobufjs';
import { embedded } from './protobuf-wire.js';

/**
 * Strings that recur from span to span — attribute keys, and short values such as model, operation and route names —
 * come from a cache keyed by a hash of their bytes (checked byte for byte) instead of being decoded into a new string
 * each time; only short ASCII strings are cached, and a full cache starts over.
 */
export class StringCache {
  private readonly strings = new Map<number, string>();

  constructor(
    private readonly maxBytes: number,
    private readonly size: number,
  ) {}

  read(r: protobuf.Reader): string {
    const end = embedded(r);
    const start = r.pos;
    r.pos = end;
    const buf = r.buf as Buffer;
    if (end - start > this.maxBytes) return buf.toString('utf8', start, end);
    let hash = end - start;
    for (let i = start; i < end; i++) {
      const byte = buf[i]!;
      if (byte >= 0x80) return buf.toString('utf8', start, end);
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    const cached = this.strings.get(hash);
    if (cached !== undefined && sameAscii(cached, buf, start, end)) return cached;
    const text = buf.toString('latin1', start, end);
    if (this.strings.size >= this.size) this.strings.clear();
    this.strings.set(hash, text);
    return text;
  }
}

function sameAscii(text: string, buf: Buffer, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}
