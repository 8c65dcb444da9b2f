import { ApiError, type ApiClient } from './api-client.js';

/**
 * The scripted story: version 1 of the `support-triage` prompt has been live in staging and production for a day;
 * version 2 adds a broad routing rule — "anything about API usage, rate limits or quotas goes to api-platform" —
 * and a reason in every answer. It helps api-platform tickets, misroutes billing tickets about usage charges, and
 * costs more tokens. It goes to staging, then to production, where Tracelane flags it; the user rolls it back.
 * With `regression: false` version 2 is a harmless rewording and the detector lets it pass.
 */
export const PROMPT = 'support-triage';
export const ENVIRONMENTS = ['production', 'staging'] as const;
export type DemoEnvironment = (typeof ENVIRONMENTS)[number];

/** Tickets per second in each environment. */
export const TRAFFIC: Record<DemoEnvironment, number> = { production: 1.5, staging: 0.4 };

const MINUTE = 60_000;
/** Length of the replayed story; the production deployment leaves about 12 minutes of traffic to judge. */
export const STORY_MS = 18 * MINUTE;

export interface StoryStep {
  /** Milliseconds after the story starts (virtual time). */
  offsetMs: number;
  environment: DemoEnvironment;
  version: number;
  reason: string;
  /** `request`: ask for a review instead of deploying (the Reviews page shows it with the gate's run). */
  request?: boolean;
  /** When the release gate refuses the deploy: the release owner's reason to override it (recorded). */
  gateOverride?: string;
}

export function storySteps(regression: boolean): StoryStep[] {
  const what = regression
    ? 'route API usage, rate-limit and quota tickets to api-platform'
    : 'clearer priority wording';
  return [
    { offsetMs: 2 * MINUTE, environment: 'staging', version: 2, reason: `release 2.0: ${what}` },
    {
      offsetMs: 4 * MINUTE,
      environment: 'production',
      version: 2,
      reason: `release 2.0 for production: ${what}`,
      request: true,
    },
    {
      offsetMs: 6 * MINUTE,
      environment: 'production',
      version: 2,
      reason: `release 2.0 after staging: ${what}`,
      gateOverride: 'api-platform needs the routing rule today; billing accuracy is watched in production',
    },
  ];
}

const TEAMS_TEXT = `Route the customer's ticket to exactly one team:
- billing: invoices, charges, refunds, payment methods, plans and subscriptions.
- auth: sign-in, passwords, SSO and SAML, two-factor authentication.
- api-platform: API errors, SDKs, webhooks, API latency and integration problems.
- dashboard: the web dashboard — charts, reports, exports, team settings.`;

const PRIORITIES_TEXT = `Set a priority: p1 (outage or security issue), p2 (blocked, no workaround), p3 (degraded, a workaround exists), p4 (question or request).`;

const BROAD_RULE = `Routing rule: anything about API usage, rate limits or quotas goes to api-platform, whatever else the ticket is about.
Explain which rule you applied in one sentence.

Examples:
Ticket: "We get 429 errors at 20 requests per second." -> {"team": "api-platform", "priority": "p2", "reason": "rate limits go to api-platform"}
Ticket: "Our usage dashboard shows the wrong quota." -> {"team": "api-platform", "priority": "p3", "reason": "quotas go to api-platform"}
Ticket: "Why did our API usage double this week?" -> {"team": "api-platform", "priority": "p3", "reason": "API usage goes to api-platform"}
Ticket: "SAML login fails for all users." -> {"team": "auth", "priority": "p1", "reason": "single sign-on is auth"}
Ticket: "Refund the duplicate charge on our card." -> {"team": "billing", "priority": "p2", "reason": "charges are billing"}

Answer with JSON only: {"team": "...", "priority": "p1|p2|p3|p4", "reason": "..."}.`;

const snapshot = (system: string, commitMessage: string) => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  settings: { temperature: 0, maxTokens: 200 },
  messages: [
    { role: 'system', content: `You are the triage assistant of Acme Cloud support.\n${system}` },
    { role: 'user', content: 'Subject: {{subject}}\n\n{{body}}' },
  ],
  variables: ['subject', 'body'],
  commitMessage,
});

export const VERSION_1 = snapshot(
  `${TEAMS_TEXT}\n${PRIORITIES_TEXT}\nAnswer with JSON only: {"team": "...", "priority": "p1|p2|p3|p4"}.`,
  'Initial triage prompt: four teams, four priorities',
);
export const VERSION_2 = snapshot(
  `${TEAMS_TEXT}\n${PRIORITIES_TEXT}\n${BROAD_RULE}`,
  'Route API usage, rate-limit and quota tickets to api-platform; explain the routing',
);
export const VERSION_2_CALM = snapshot(
  `${TEAMS_TEXT}\nSet a priority: p1 for an outage or a security issue, p2 when the customer is blocked without a workaround, p3 when a workaround exists, p4 for questions and requests.\nAnswer with JSON only: {"team": "...", "priority": "p1|p2|p3|p4"}.`,
  'Clearer priority wording',
);

/** A monitor on production's cost per request against the two hours before (shown on the Alerts page). */
const DEMO_MONITOR = {
  name: 'support-triage cost per request',
  metric: 'cost_per_request',
  scope: { environment: 'production', prompt: PROMPT },
  condition: { type: 'change', windowMinutes: 10, referenceMinutes: 120, warning: 1.2, critical: 1.5 },
  minSamples: 200,
};

/**
 * Creates the prompt, its two versions, a cost monitor and the day-old deployments of version 1 (recorded as
 * `external` deployments at their own past times), and turns production's automatic rollback off so that the user rolls
 * back from the chart. Returns false when the prompt already exists (a later start of the demo).
 */
export async function setUpRegistry(
  api: ApiClient,
  regression: boolean,
  historyStart: number,
  say: (line: string) => void,
): Promise<boolean> {
  const existing = await fetch(`${api.baseUrl}/api/v1/prompts/${PROMPT}`, { headers: api.headers() });
  if (existing.ok) return false;
  await api.patch('/api/v1/environments/production', { policies: { autoRollback: false } }).catch((err: unknown) => {
    if (!(err instanceof ApiError && err.status === 403)) throw err;
    say('[demo] the API key is not an admin: production keeps automatic rollback, Tracelane will roll back itself');
  });
  await api.post('/api/v1/prompts', { name: PROMPT, description: 'Routes support tickets to a team, with a priority' });
  await api.post(`/api/v1/prompts/${PROMPT}/versions`, VERSION_1);
  await api.post(`/api/v1/prompts/${PROMPT}/versions`, regression ? VERSION_2 : VERSION_2_CALM);
  // The failing verdict alerts by itself; this monitor also watches what no deployment explains.
  await api.post('/api/v1/monitors', DEMO_MONITOR).catch((err: unknown) => {
    if (!(err instanceof ApiError && err.status === 403)) throw err;
  });
  for (const [i, environment] of ['staging', 'production'].entries()) {
    await api.post('/api/v1/deployments/external', {
      prompt: PROMPT,
      environment,
      version: 1,
      timestamp: historyStart - (2 - i) * 30 * MINUTE,
      actor: 'ci-pipeline',
      reason: 'release 1.0',
    });
  }
  return true;
}

/**
 * Plays the steps on the demo clock. A step due in the past (the clock still replaying) is recorded as an
 * `external` deployment at its virtual time, as a CI system reporting it would; a step due now is a plain deploy.
 */
export class StoryRunner {
  private next = 0;
  private running: Promise<void> = Promise.resolve();
  /** Virtual times of the steps started and not yet recorded. */
  private readonly inFlight = new Set<number>();

  constructor(
    private readonly api: ApiClient,
    private readonly steps: readonly StoryStep[],
    private readonly storyStart: number,
    private readonly say: (line: string) => void,
  ) {}

  /** Starts the steps due by virtual time `now` (one at a time, in order). */
  advance(now: number): void {
    while (this.next < this.steps.length && this.storyStart + (this.steps[this.next] as StoryStep).offsetMs <= now) {
      const step = this.steps[this.next++] as StoryStep;
      const at = this.storyStart + step.offsetMs;
      this.inFlight.add(at);
      this.running = this.running
        .then(() => this.play(step, at))
        .catch((err: unknown) => this.say(`[story] deploying to ${step.environment} failed: ${String(err)}`))
        .finally(() => this.inFlight.delete(at));
    }
  }

  /**
   * The virtual time traffic must wait at while a step is being recorded (a gated deploy takes a few requests), so
   * that tickets after a deployment are answered with the version it deployed; undefined when none is in flight.
   */
  holdAt(): number | undefined {
    return this.inFlight.size === 0 ? undefined : Math.min(...this.inFlight);
  }

  done(): boolean {
    return this.next === this.steps.length;
  }

  /** Resolves when the steps started so far are recorded. */
  settled(): Promise<void> {
    return this.running;
  }

  private async play(step: StoryStep, at: number): Promise<void> {
    const body = { prompt: PROMPT, environment: step.environment, version: step.version, reason: step.reason };
    if (step.request) {
      await this.api.post('/api/v1/deployments/requests', body);
      this.say(`[story] version ${step.version} asks for ${step.environment}: a review request (see Reviews)`);
      return;
    }
    const send = (extra: Record<string, string> = {}) =>
      Date.now() - at > 5000
        ? this.api.post('/api/v1/deployments/external', { ...body, ...extra, timestamp: at, actor: 'ci-pipeline' })
        : this.api.post('/api/v1/deployments', { ...body, ...extra });
    try {
      await send();
    } catch (err) {
      if (!(step.gateOverride && err instanceof ApiError && err.status === 409)) throw err;
      this.say(`[story] the release gate refuses: ${err.message}`);
      this.say(`[story] the release owner overrides it (recorded on the deployment): "${step.gateOverride}"`);
      await send({ gateOverride: step.gateOverride });
    }
    this.say(`[story] version ${step.version} deployed to ${step.environment} (${new Date(at).toISOString()})`);
  }
}
