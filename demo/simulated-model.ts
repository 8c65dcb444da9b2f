import { TEAMS, pick, type Priority, type Team, type Ticket } from './tickets.js';

/**
 * The language model behind the demo, simulated (no network). It behaves according to the prompt version it is
 * given, the way a real model would: a longer prompt costs more input tokens, asking for a reason costs output
 * tokens and time, and a broad routing rule is followed to the letter — including where it is wrong.
 */
export interface PromptSnapshot {
  provider: string;
  model: string;
  messages: { role: string; content: unknown }[];
}

export interface Behaviour {
  /** Tokens of the instructions sent with every ticket. */
  promptTokens: number;
  /** Mean tokens of the answer. */
  outputTokens: number;
  /** "Anything about API usage, rate limits or quotas goes to api-platform". */
  broadApiRule: boolean;
}

export interface Completion {
  team: Team;
  priority: Priority;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /** A provider failure (rate limited, timed out): no routing happened. */
  error: { type: string; message: string } | null;
}

/** How often the model routes a ticket of each team right when no rule steers it. */
export const BASE_ACCURACY: Record<Team, number> = {
  billing: 0.93,
  auth: 0.92,
  'api-platform': 0.8,
  dashboard: 0.94,
};

/** Probability that the model applies the broad rule to a ticket that mentions API usage. */
const RULE_ADHERENCE = 0.95;

const tokensOf = (text: string) => Math.ceil(text.length / 4);

export function behaviourOf(snapshot: PromptSnapshot): Behaviour {
  const instructions = snapshot.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
  return {
    promptTokens: tokensOf(instructions),
    outputTokens: /"reason"/.test(instructions) ? 64 : 34,
    broadApiRule: /API usage, rate limits or quotas/i.test(instructions),
  };
}

export function complete(behaviour: Behaviour, ticket: Ticket, random: () => number): Completion {
  const inputTokens = behaviour.promptTokens + tokensOf(ticket.subject + ticket.body) + 12;
  const outputTokens = Math.max(8, Math.round(behaviour.outputTokens * (0.8 + 0.4 * random())));
  const latencyMs = (300 + 6 * outputTokens + 0.2 * inputTokens) * Math.exp(0.25 * gaussian(random));
  const failure = random();
  if (failure < 0.004) {
    return { ...unrouted(ticket, inputTokens, latencyMs), error: { type: '429', message: 'rate limit exceeded' } };
  }
  if (failure < 0.006) {
    return { ...unrouted(ticket, inputTokens, 30_000), error: { type: 'timeout', message: 'no response in 30 s' } };
  }
  return {
    team: route(behaviour, ticket, random),
    priority: prioritise(ticket, random),
    inputTokens,
    outputTokens,
    latencyMs,
    error: null,
  };
}

function route(behaviour: Behaviour, ticket: Ticket, random: () => number): Team {
  if (behaviour.broadApiRule && ticket.mentionsApiUsage && random() < RULE_ADHERENCE) return 'api-platform';
  if (random() < BASE_ACCURACY[ticket.team]) return ticket.team;
  return pick(
    TEAMS.filter((t) => t !== ticket.team),
    random,
  );
}

function prioritise(ticket: Ticket, random: () => number): Priority {
  if (random() < 0.9) return ticket.priority;
  return pick(['p1', 'p2', 'p3', 'p4'] as const, random);
}

function unrouted(ticket: Ticket, inputTokens: number, latencyMs: number) {
  return { team: ticket.team, priority: ticket.priority, inputTokens, outputTokens: 0, latencyMs };
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
