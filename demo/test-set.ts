import type { Team } from './tickets.js';

/**
 * The demo's labelled test set: 20 support tickets, five per team, each with the team it belongs to. Two billing
 * tickets are about API usage charges (what version 2's broad "API usage goes to api-platform" rule misroutes) and
 * one mentions the dashboard (what the model misroutes with either version), so version 1 scores billing 4/5 and
 * version 2 2/5, every other team 5/5 with both (demo/model-endpoint.ts answers them).
 */
export interface LabelledTicket {
  subject: string;
  body: string;
  team: Team;
}

export const DATASET = 'support-tickets';
export const EVALUATOR = 'routing_correct';

const ticket = (team: Team, subject: string, body: string): LabelledTicket => ({ subject, body, team });

export const TEST_SET: readonly LabelledTicket[] = [
  ticket('billing', 'Charged twice', 'We were charged twice for the Pro plan this month. Please refund one.'),
  ticket('billing', 'Card update', 'How do I update the credit card on file before our renewal on the 1st?'),
  ticket('billing', 'Unexpected overage', 'Our invoice has API usage overage fees we did not expect.'),
  ticket(
    'billing',
    'Usage charges',
    'We exceeded our API request quota and got charged. Can we move to annual billing?',
  ),
  ticket('billing', 'Invoice missing VAT', 'The invoice export in the dashboard is missing our VAT number.'),
  ticket('auth', 'SSO broken', 'Our SAML single sign-on fails with "invalid audience". Nobody can log in.'),
  ticket('auth', '2FA device lost', 'I lost my phone and cannot pass two-factor authentication.'),
  ticket('auth', 'Password reset', 'The password reset email never arrives for two of our users.'),
  ticket('auth', 'Session length', 'Can admins change how long a login session lasts?'),
  ticket('auth', 'Locked out', 'After three wrong passwords our admin account is locked.'),
  ticket('api-platform', '429 errors', 'We get HTTP 429 rate limit errors at only 20 requests per second.'),
  ticket('api-platform', 'Quota resets', 'Our API quota resets mid-month for no reason and our jobs fail.'),
  ticket('api-platform', 'Stale usage endpoint', 'The /v2/usage endpoint returns stale numbers since yesterday.'),
  ticket('api-platform', 'Webhook retries', 'Webhooks to our endpoint are not retried after a timeout.'),
  ticket('api-platform', 'SDK crash', 'The Python SDK crashes when a request is retried.'),
  ticket('dashboard', 'Chart empty', 'The latency chart on the overview is empty for the last 7 days.'),
  ticket('dashboard', 'CSV export', 'Exporting the team report to CSV produces broken accents.'),
  ticket('dashboard', 'Dashboard slow', 'The projects dashboard takes 30 seconds to load.'),
  ticket('dashboard', 'Dark mode', 'Is there a way to make dark mode the default for the whole team?'),
  ticket('dashboard', 'Report filters', 'Saved filters disappear from our weekly report.'),
];

/** The dataset items: the prompt's variables, the expected answer's team, the team as the category. */
export function datasetItems() {
  return TEST_SET.map((t, i) => ({
    id: `ticket-${String(i + 1).padStart(2, '0')}`,
    input: { subject: t.subject, body: t.body },
    expected: { team: t.team },
    category: t.team,
  }));
}
