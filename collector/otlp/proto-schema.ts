import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';

/**
 * The message types of otlp.proto, loaded once: used to encode responses (and by tests and the benchmark to encode
 * requests). Requests are decoded by the hand-written protobuf-codec.ts and logs-protobuf-codec.ts.
 */
const root = protobuf.loadSync(fileURLToPath(new URL('./otlp.proto', import.meta.url)));
const type = (name: string) => root.lookupType(`opentelemetry.proto.${name}`);

export const ExportTraceServiceRequest = type('ExportTraceServiceRequest');
export const ExportTraceServiceResponse = type('ExportTraceServiceResponse');
export const ExportLogsServiceRequest = type('ExportLogsServiceRequest');
export const ExportLogsServiceResponse = type('ExportLogsServiceResponse');
export const RetryInfo = type('RetryInfo');
export const RpcStatus = type('RpcStatus');
