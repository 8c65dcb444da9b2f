import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';

/** The message types of trace.proto, loaded once. */
const root = protobuf.loadSync(fileURLToPath(new URL('./trace.proto', import.meta.url)));
const type = (name: string) => root.lookupType(`opentelemetry.proto.${name}`);

export const ExportTraceServiceRequest = type('ExportTraceServiceRequest');
export const ExportTraceServiceResponse = type('ExportTraceServiceResponse');
export const RpcStatus = type('RpcStatus');

/** The shapes protobufjs decodes trace.proto into (camelCase fields; unset scalars read their defaults). */
export type Int64 = protobuf.Long | number;

export interface PbAnyValue {
  /** Name of the oneof member that is set, if any. */
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue: string;
  boolValue: boolean;
  intValue: Int64;
  doubleValue: number;
  arrayValue?: { values: PbAnyValue[] } | null;
  kvlistValue?: { values: PbKeyValue[] } | null;
  bytesValue: Uint8Array;
}

export interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}

export interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes: PbKeyValue[];
  events: { timeUnixNano: Int64; name: string; attributes: PbKeyValue[] }[];
  links: { traceId: Uint8Array; spanId: Uint8Array; traceState: string; attributes: PbKeyValue[] }[];
  status?: { code: number; message: string } | null;
}

export interface PbRequest {
  resourceSpans: {
    resource?: { attributes: PbKeyValue[] } | null;
    scopeSpans: { scope?: { name: string; version: string } | null; spans: PbSpan[] }[];
  }[];
}
