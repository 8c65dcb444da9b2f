import type protobuf from 'protobufjs';

/**
 * Wire-level reading of protobuf over protobufjs's Reader: tags, skipping, embedded-message bounds, and the scalars
 * the OTLP decoder reads in place (ids as hex, fixed64 times, int64 values as text).
 */

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH = 2;
export const tagOf = (field: number, wire: number) => (field << 3) | wire;

export function skip(r: protobuf.Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new Error(`invalid field number 0 before offset ${r.pos}`);
  r.skipType(tag & 7);
}

/** Reads an embedded message's length; returns where it ends. */
export function embedded(r: protobuf.Reader): number {
  const length = r.uint32();
  const end = r.pos + length;
  if (end > r.len) throw new Error(`a field of ${length} bytes at offset ${r.pos} runs past the end of the body`);
  return end;
}

/** Checks that the fields of a message ended exactly at its end. */
export function close(r: protobuf.Reader, end: number): void {
  if (r.pos !== end) throw new Error(`a field runs past the end of its message at offset ${end}`);
}

/** A bytes field as lowercase hex, read in place. */
export function hex(r: protobuf.Reader): string {
  const end = embedded(r);
  const start = r.pos;
  r.pos = end;
  return start === end ? '' : (r.buf as Buffer).toString('hex', start, end);
}

/** A fixed64 as an exact unsigned integer. */
export function fixed64(r: protobuf.Reader): bigint {
  const low = r.fixed32();
  const high = r.fixed32();
  return (BigInt(high) << 32n) | BigInt(low);
}

/** An int64 varint as exact signed decimal text; values up to 2^49 (nearly all) are read without BigInt. */
export function int64Text(r: protobuf.Reader): string {
  const buf = r.buf;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    if (r.pos >= r.len) throw new RangeError(`varint runs past the end of the body at offset ${r.pos}`);
    const byte = buf[r.pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return String(value);
    scale *= 128;
  }
  let big = BigInt(value);
  let shift = 49n;
  for (let i = 7; i < 10; i++) {
    if (r.pos >= r.len) throw new RangeError(`varint runs past the end of the body at offset ${r.pos}`);
    const byte = buf[r.pos++]!;
    big |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return BigInt.asIntN(64, big).toString();
    shift += 7n;
  }
  throw new RangeError(`varint longer than 10 bytes at offset ${r.pos}`);
}
