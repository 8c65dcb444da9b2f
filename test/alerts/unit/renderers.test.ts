import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../server/alerts/delivery/redact.js';
import type { ChannelWithSettings } from '../../../server/alerts/channels/channel-table.js';
import type { AlertMessage } from '../../../server/alerts/message/alert-message.js';
import { renderEmail } from '../../../server/alerts/message/render-email.js';
import { renderPagerDuty } from '../../../server/alerts/message/render-pagerduty.js';
import { escapeSlack, renderSlack } from '../../../server/alerts/message/render-slack.js';

const message = (extra: Partial<AlertMessage> = {}): AlertMessage => ({
  alertId: 'alt_1',
  dedupKey: 'tracelane-alt_1',
  step: 'fired',
  status: 'firing',
  level: 'critical',
  source: 'monitor',
  title: 'Cost <b>up</b> & more',
  summary: 'cost per request $0.001 → $0.002 (×2)',
  time: '2026-12-03T10:05:00.000Z',
  firedAt: '2026-12-03T10:05:00.000Z',
  scope: { environment: 'production', prompt: 'triage', model: '' },
  facts: {
    metric: 'cost_per_request',
    label: 'cost per request',
    current: '$0.002',
    baseline: '$0.001',
    effect: '×2',
    threshold: '×1.5',
    n: { current: 200, baseline: 400 },
    test: 'Welch t-test',
    pValue: 0.00001,
    window: { from: '2026-12-03T09:55:00.000Z', to: '2026-12-03T10:05:00.000Z' },
    reference: null,
    reason: 'r',
  },
  deployment: { id: 'dep_1', version: 2, previousVersion: 1, time: '2026-12-03T09:40:00.000Z', actor: 'alice' },
  recentChanges: [{ time: '2026-12-03T09:40:00.000Z', text: 'triage v2 deploy to production (was v1) by alice' }],
  links: {
    alert: 'https://t.example/alerts?alert=alt_1',
    oncall: 'https://t.example/prompts/triage/environments/production?from=a&to=b',
    rollback: 'https://t.example/prompts/triage/environments/production?from=a&to=b&deployment=dep_1&rollback=1',
  },
  actor: 'tracelane',
  note: '',
  ...extra,
});

describe('Slack', () => {
  it('escapes text and links, stays within Block Kit limits, and says what to do', () => {
    const payload = renderSlack(message({ title: 'Cost <!channel> & <https://evil|more>' }));
    expect(payload.text).toBe(
      'Critical: Cost &lt;!channel&gt; &amp; &lt;https://evil|more&gt; — cost per request $0.001 → $0.002 (×2)',
    );
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    const all = JSON.stringify(payload.blocks.slice(1));
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('Samples (n)*\\n200 now, 400 in the baseline');
    expect(all).toContain('09:40 UTC  triage v2 deploy to production (was v1) by alice');
    expect(all).toContain('&rollback=1|Roll back v2>');
    expect(payload.blocks.length).toBeLessThanOrEqual(50);
    const long = renderSlack(message({ summary: 'x'.repeat(5000) }));
    expect(long.blocks.every((b) => ((b as { text?: { text: string } }).text?.text.length ?? 0) <= 3000)).toBe(true);
    expect(escapeSlack('<@U123> & <!channel>')).toBe('&lt;@U123&gt; &amp; &lt;!channel&gt;');
  });
});

describe('PagerDuty', () => {
  it('triggers with the dedup key, acknowledges and resolves with it alone', () => {
    const trigger = renderPagerDuty(message(), 'KEY');
    expect(trigger).toMatchObject({ event_action: 'trigger', dedup_key: 'tracelane-alt_1', routing_key: 'KEY' });
    expect(trigger.payload).toMatchObject({
      severity: 'critical',
      source: 'tracelane/production',
      component: 'triage',
      class: 'cost_per_request',
    });
    expect(renderPagerDuty(message({ step: 'acknowledged', status: 'acknowledged' }), 'KEY')).toEqual({
      routing_key: 'KEY',
      event_action: 'acknowledge',
      dedup_key: 'tracelane-alt_1',
    });
    expect(renderPagerDuty(message({ step: 'resolved', status: 'resolved' }), 'KEY').event_action).toBe('resolve');
    expect(renderPagerDuty(message({ summary: 'y'.repeat(3000) }), 'KEY').payload?.summary.length).toBe(1024);
  });
});

describe('email', () => {
  it('keeps the subject on one line and escapes the HTML', () => {
    const mail = renderEmail(message({ title: 'a\r\nBcc: victim@example.com' }));
    expect(mail.subject).toBe('[Tracelane] Critical: a Bcc: victim@example.com');
    expect(renderEmail(message()).html).toContain('Cost &lt;b&gt;up&lt;/b&gt; &amp; more');
    expect(mail.text).toContain('Roll back v2: https://t.example/');
  });
});

describe('redaction', () => {
  it('removes a channel’s secrets from what the delivery log keeps', () => {
    const channel = {
      settings: { routingKey: 'R0UT1NGKEYabcdef0123456789', eventsUrl: 'https://e' },
    } as unknown as ChannelWithSettings;
    const outcome = {
      ok: false,
      httpStatus: 400,
      error: 'bad',
      responseExcerpt: '{"routing_key":"R0UT1NGKEYabcdef0123456789"}',
      latencyMs: 1,
      retryable: false,
    };
    expect(redactSecrets(outcome, channel).responseExcerpt).toBe('{"routing_key":"[redacted]"}');
  });
});
