import express, { type Router } from 'express';
import type { ApiContext } from '../app.js';
import type { Role } from '../http/auth.js';

/** `GET /api/v1/me`. */
export interface MeResponse {
  name: string;
  role: Role;
  authEnabled: boolean;
  /** Base URL of the OTLP/HTTP collector as this browser reaches it; traces go to `<otlpEndpoint>/v1/traces`. */
  otlpEndpoint: string;
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::']);

/**
 * Where a client reaches the collector: the address it listens on, or, when it listens on every interface, the
 * host name the client reached the UI by (the same machine) — on the collector's port.
 */
export function otlpEndpoint(collector: ApiContext['collectorAddress'], uiHostname: string): string {
  const host = EVERY_INTERFACE.has(collector.address) ? uiHostname : collector.address;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${bracketed}:${collector.port}`;
}

/**
 * `GET /api/v1/me` → `{name, role, authEnabled, otlpEndpoint}`: who the presented key is, so the UI can offer only
 * the actions the role may take, and where to send traces. With no keys configured every request is the local
 * admin and `authEnabled` is false.
 */
export function createMeRouter(ctx: Pick<ApiContext, 'keys' | 'collectorAddress'>): Router {
  const router = express.Router();
  router.get('/me', (req, res) => {
    const { name, role } = res.locals.actor;
    const body: MeResponse = {
      name,
      role,
      authEnabled: ctx.keys.enabled(),
      otlpEndpoint: otlpEndpoint(ctx.collectorAddress, req.hostname),
    };
    res.json(body);
  });
  return router;
}
