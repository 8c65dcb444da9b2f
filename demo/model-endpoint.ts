import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { behaviourOf, type Behaviour } from './simulated-model.js';
import type { Team } from './tickets.js';

/**
 * The demo's simulated model behind an OpenAI-compatible endpoint (`POST /v1/chat/completions`), started locally
 * so that Tracelane's experiments call it through a model connection like any provider. Unlike the live traffic's
 * model (simulated-model.ts, which draws its mistakes at random), it is deterministic: a keyword router that
 * follows the broad "API usage, rate limits or quotas go to api-platform" rule when the prompt has it. Keywords are
 * tried team by team in this order, so a billing ticket that mentions the dashboard goes to dashboard — the one
 * mistake version 1 makes on the test set (demo/test-set.ts).
 */
const KEYWORDS: [Team, RegExp][] = [
  ['auth', /sign-on|sign in|log in|login|password|saml|sso|two-factor|2fa|locked/i],
  ['dashboard', /dashboard|chart|report|export|dark mode/i],
  ['billing', /invoice|charge|refund|card|renewal|billing|billed|plan\b/i],
  ['api-platform', /\bapi\b|sdk|webhook|429|endpoint|rate limit|quota|usage|request/i],
];
const API_USAGE = /api usage|rate limit|quota/i;

/** The team the simulated model picks for a ticket's text under a prompt's behaviour. */
export function routeTicket(behaviour: Pick<Behaviour, 'broadApiRule'>, text: string): Team {
  if (behaviour.broadApiRule && API_USAGE.test(text)) return 'api-platform';
  return KEYWORDS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'billing';
}

interface ChatRequest {
  model?: unknown;
  messages?: { role?: unknown; content?: unknown }[];
}

/** The chat completion for a request: the system messages steer, the user message is the ticket. */
export function completion(request: ChatRequest): Record<string, unknown> {
  const messages = (request.messages ?? []).map((m) => ({
    role: String(m.role),
    content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''),
  }));
  const behaviour = behaviourOf({ provider: 'openai', model: String(request.model), messages });
  const ticket = messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
  const team = routeTicket(behaviour, ticket);
  const reason = behaviour.broadApiRule && API_USAGE.test(ticket) ? 'API usage goes to api-platform' : `about ${team}`;
  const answer = behaviour.outputTokens > 40 ? { team, priority: 'p3', reason } : { team, priority: 'p3' };
  const inputTokens = behaviour.promptTokens + Math.ceil(ticket.length / 4);
  return {
    id: `chatcmpl-demo-${inputTokens}`,
    object: 'chat.completion',
    model: typeof request.model === 'string' ? request.model : 'simulated',
    choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: inputTokens, completion_tokens: behaviour.outputTokens, total_tokens: inputTokens + 1 },
  };
}

export interface ModelEndpoint {
  /** The base URL a connection names (`…/v1`). */
  url: string;
  close(): Promise<void>;
}

/** Listens on `host` (default loopback) on a free port. */
export async function startModelEndpoint(host = '127.0.0.1'): Promise<ModelEndpoint> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        return reply(404, { error: { message: 'only POST /v1/chat/completions', type: 'not_found' } });
      }
      try {
        reply(200, completion(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest));
      } catch {
        reply(400, { error: { message: 'the body is not JSON', type: 'invalid_request_error' } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/v1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
