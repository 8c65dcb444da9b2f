import * as grpc from '@grpc/grpc-js';
import { Agent, request } from 'node:http';
import { ExportTraceServiceResponse } from '../collector/otlp/proto-schema.js';

/** One export: its status (HTTP status, or 200 / the gRPC code as 1000 + code) and the spans it acknowledged. */
export interface Sent {
  ok: boolean;
  acknowledged: number;
  failure: string;
}

/** A way to send one pre-encoded ExportTraceServiceRequest of `spans` spans. */
export interface Transport {
  send(body: Buffer, spans: number): Promise<Sent>;
  close(): void;
}

const acknowledged = (response: Buffer, spans: number) => {
  const decoded = ExportTraceServiceResponse.decode(response) as {
    partialSuccess?: { rejectedSpans?: number | { toNumber(): number } };
  };
  return spans - Number(decoded.partialSuccess?.rejectedSpans ?? 0);
};

/** OTLP/HTTP protobuf over `connections` keep-alive loopback connections. */
export function httpTransport(otlpUrl: string, connections: number): Transport {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL('/v1/traces', otlpUrl);
  return {
    send: (body, spans) =>
      new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const response = Buffer.concat(chunks);
              resolve(
                res.statusCode === 200
                  ? { ok: true, acknowledged: acknowledged(response, spans), failure: '' }
                  : {
                      ok: false,
                      acknowledged: 0,
                      failure: `${res.statusCode} ${response.toString('latin1').slice(0, 200)}`,
                    },
              );
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/** OTLP/gRPC TraceService/Export over one channel (as the OpenTelemetry exporters use it), calls multiplexed. */
export function grpcTransport(address: string): Transport {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const raw = (b: Buffer) => b;
  return {
    send: (body, spans) =>
      new Promise((resolve) => {
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          raw,
          raw,
          body,
          new grpc.Metadata(),
          (err, response) =>
            resolve(
              err
                ? { ok: false, acknowledged: 0, failure: `${grpc.status[err.code]} ${err.details}` }
                : { ok: true, acknowledged: acknowledged(response!, spans), failure: '' },
            ),
        );
      }),
    close: () => client.close(),
  };
}

export interface LoadResult {
  acknowledged: number;
  requests: number;
  failed: number;
  firstFailure: string;
  elapsedS: number;
  p99Ms: number;
}

/** `concurrency` loops sending the batches round-robin for `seconds`. */
export async function runLoad(
  transport: Transport,
  batches: readonly Buffer[],
  spansPerBatch: number,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = { acknowledged: 0, requests: 0, failed: 0, firstFailure: '' };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, index) => {
      for (let i = index; performance.now() < deadline; i += concurrency) {
        const t = performance.now();
        const sent = await transport.send(batches[i % batches.length]!, spansPerBatch);
        latencies.push(performance.now() - t);
        result.requests++;
        result.acknowledged += sent.acknowledged;
        if (!sent.ok && result.failed++ === 0) result.firstFailure = sent.failure;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    ...result,
    elapsedS: (performance.now() - started) / 1000,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN,
  };
}
