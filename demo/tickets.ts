/**
 * The demo's world: support tickets of a cloud company, with the team each truly belongs to, and when they arrive.
 * Some billing tickets talk about API usage (overage charges, quota upgrades) — exactly what a broad
 * "API usage goes to api-platform" routing rule gets wrong.
 */
export const TEAMS = ['billing', 'auth', 'api-platform', 'dashboard'] as const;
export type Team = (typeof TEAMS)[number];
export type Priority = 'p1' | 'p2' | 'p3' | 'p4';

export interface Ticket {
  id: string;
  subject: string;
  body: string;
  /** The team that should get it (the ground truth the routing is scored against). */
  team: Team;
  priority: Priority;
  /** Mentions API usage, rate limits or quotas. */
  mentionsApiUsage: boolean;
}

type Template = [subject: string, body: string, priority: Priority];

/** Share of incoming tickets per team. */
const MIX: [Team, number][] = [
  ['billing', 0.35],
  ['auth', 0.25],
  ['api-platform', 0.2],
  ['dashboard', 0.2],
];

const TEMPLATES: Record<Team, Template[]> = {
  billing: [
    ['Charged twice', 'We were charged twice for the Pro plan this month. Please refund the duplicate charge.', 'p2'],
    ['Card update', 'How do I update the credit card on file before our renewal on the 1st?', 'p4'],
    [
      'Unexpected overage',
      'Our invoice has API usage overage fees we did not expect. Why were we billed for extra quota?',
      'p3',
    ],
    [
      'Quota upgrade billed twice',
      'The rate limit upgrade we bought appears twice on the invoice. Please credit one.',
      'p3',
    ],
    [
      'Usage charges',
      'We exceeded our monthly API request quota and got charged. Can we move to annual billing instead?',
      'p3',
    ],
  ],
  auth: [
    [
      'SSO broken',
      'Since this morning our SAML single sign-on fails with "invalid audience". Nobody can log in.',
      'p1',
    ],
    [
      '2FA device lost',
      'I lost my phone and cannot pass two-factor authentication. How do I recover my account?',
      'p2',
    ],
    ['Password reset', 'The password reset email never arrives for two of our users.', 'p3'],
    ['Session timeout', 'Can admins change how long a dashboard login session lasts?', 'p4'],
  ],
  'api-platform': [
    ['429 errors', 'We get HTTP 429 rate limit errors at only 20 requests per second. What is our limit?', 'p2'],
    [
      'Quota too low',
      'Our API quota resets mid-month for no reason and our jobs fail. Please check our usage counters.',
      'p2',
    ],
    ['Usage endpoint', 'The /v2/usage endpoint returns stale API usage numbers since yesterday.', 'p3'],
    ['Webhook retries', 'Webhooks to our endpoint are not retried after a timeout. Is that expected?', 'p3'],
    ['Rate limit headers', 'Which response headers tell us the remaining rate limit and quota?', 'p4'],
  ],
  dashboard: [
    ['Chart empty', 'The latency chart on the overview page is empty for the last 7 days range.', 'p3'],
    ['CSV export', 'Exporting the team report to CSV produces a file with broken accents.', 'p4'],
    ['Dashboard slow', 'The projects page takes 30 seconds to load for our organisation.', 'p2'],
    ['Dark mode', 'Is there a way to make dark mode the default for the whole team?', 'p4'],
  ],
};

const API_USAGE = /api usage|rate limit|quota/i;

/** A small seeded PRNG (mulberry32), so a demo run and a test run are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

let counter = 0;

export function nextTicket(random: () => number): Ticket {
  let r = random();
  const team = MIX.find(([, share]) => (r -= share) < 0)?.[0] ?? 'billing';
  const [subject, body, priority] = pick(TEMPLATES[team], random);
  counter += 1;
  return {
    id: `TCK-${(100000 + counter).toString()}`,
    subject,
    body,
    team,
    priority,
    mentionsApiUsage: API_USAGE.test(`${subject} ${body}`),
  };
}

/**
 * Ticket arrivals: a Poisson process at `perSecond` on average, busier in the working day (±25% over 24 hours).
 * `next(t)` gives the arrival after epoch-ms `t`.
 */
export function arrivals(perSecond: number, random: () => number): { next(after: number): number } {
  const rateAt = (t: number) => {
    const hour = (t / 3_600_000) % 24;
    return perSecond * (1 + 0.25 * Math.sin(((hour - 8) / 24) * 2 * Math.PI));
  };
  return { next: (after) => after + (-Math.log(1 - random()) / rateAt(after)) * 1000 };
}
