import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { core, resources } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/**
 * Self-observability: when SELF_TRACES_OTLP_ENDPOINT is set, every request Tracelane serves (API and collector)
 * becomes an OpenTelemetry SERVER span (HTTP semantic conventions, `{method} {route}`), continuing the caller's
 * W3C `traceparent`, exported over OTLP/HTTP in batches. Off by default. The tracer provider is Tracelane's own,
 * not the process-global one, so an application embedding Tracelane keeps its instrumentation to itself.
 */
export interface SelfTracing {
  /** The request handler itself when self-tracing is off; otherwise it wrapped in a span per request. */
  instrument(app: RequestListener, component: 'api' | 'collector'): RequestListener;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes would drown the interesting requests. */
const UNTRACED_PATHS = new Set(['/metrics', '/api/v1/health']);

export function startSelfTracing(config: Config, log: Logger): SelfTracing {
  if (config.SELF_TRACES_OTLP_ENDPOINT === '') {
    return { instrument: (app) => app, shutdown: () => Promise.resolve() };
  }
  const provider = new TracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': config.SELF_TRACES_SERVICE_NAME }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.SELF_TRACES_OTLP_ENDPOINT }) }),
    ],
  });
  const tracer = provider.getTracer('tracelane');
  log.info('self-tracing on: request spans are exported', { endpoint: config.SELF_TRACES_OTLP_ENDPOINT });
  return {
    instrument: (app, component) => traced(tracer, app, component),
    shutdown: () => provider.shutdown(),
  };
}

const propagator = new core.W3CTraceContextPropagator();

function traced(tracer: Tracer, app: RequestListener, component: string): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (UNTRACED_PATHS.has(path)) {
      app(req, res);
      return;
    }
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = tracer.startSpan(
      req.method ?? 'HTTP',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method ?? '',
          'url.path': path,
          'url.scheme': 'http',
          'network.protocol.version': req.httpVersion,
          'client.address': req.socket.remoteAddress ?? '',
          'user_agent.original': req.headers['user-agent'] ?? '',
          'tracelane.component': component,
        },
      },
      parent,
    );
    res.once('finish', () => endSpan(span, req, res));
    res.once('close', () => {
      if (!res.writableFinished) endSpan(span, req, res, 'client closed the connection before the response');
    });
    app(req, res);
  };
}

/** Express leaves the matched route on the request: `{method} {http.route}` names the span without ids in it. */
function endSpan(span: Span, req: IncomingMessage, res: ServerResponse, aborted?: string): void {
  const { baseUrl, route } = req as IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };
  if (typeof route?.path === 'string') {
    const httpRoute = `${baseUrl ?? ''}${route.path}`;
    span.updateName(`${req.method} ${httpRoute}`);
    span.setAttribute('http.route', httpRoute);
  }
  span.setAttribute('http.response.status_code', res.statusCode);
  if (aborted !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: aborted });
  else if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
