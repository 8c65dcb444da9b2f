import { describeScope, headline, RECENT_CHANGES_HOURS, type AlertMessage } from './alert-message.js';
import { formatTime, numberFields, stepByline, truncate } from './message-text.js';

/**
 * A Slack incoming-webhook message (Block Kit, with `text` as the notification fallback). Every mrkdwn text is
 * escaped, so a prompt or monitor name cannot mention `<!channel>` or forge a link; the header is plain text. Links
 * are mrkdwn links, not buttons: a URL button still sends Slack an interaction that wants an app to answer it.
 */
export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

const SECTION_MAX = 3000;
const ICON = { critical: '🔴', warning: '🟠', resolved: '✅', acknowledged: '👀', test: '🧪' } as const;

/** Slack's mrkdwn needs &, < and > escaped; everything else is text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const link = (url: string, label: string) => `<${url.replace(/[|>]/g, encodeURIComponent)}|${escapeSlack(label)}>`;
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_MAX) } });

export function renderSlack(m: AlertMessage): SlackPayload {
  const icon =
    m.step === 'test'
      ? ICON.test
      : m.status === 'resolved'
        ? ICON.resolved
        : m.step === 'acknowledged'
          ? ICON.acknowledged
          : ICON[m.level];
  const head = `${headline(m)}: ${m.title}`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${icon} ${head}`, 150), emoji: true } },
    section(`${escapeSlack(m.summary)}\n_${escapeSlack(describeScope(m.scope))}_`),
  ];
  const fields = numberFields(m.facts).map(([label, value]) => ({
    type: 'mrkdwn',
    text: truncate(`*${label}*\n${escapeSlack(value)}`, 2000),
  }));
  if (fields.length > 0) blocks.push({ type: 'section', fields: fields.slice(0, 10) });
  const byline = stepByline(m);
  if (byline) blocks.push(section(escapeSlack(byline)));
  const changes = m.recentChanges.map((c) => `• ${formatTime(c.time)}  ${escapeSlack(c.text)}`);
  blocks.push(
    section(
      `*Deployments and changes, last ${RECENT_CHANGES_HOURS} h*\n${changes.length > 0 ? changes.join('\n') : 'none'}`,
    ),
  );
  const links = [
    m.links.oncall && link(m.links.oncall, 'Open the on-call view'),
    m.links.rollback && m.deployment && link(m.links.rollback, `Roll back v${m.deployment.version}`),
    link(m.links.alert, 'Alert details'),
  ].filter((l): l is string => typeof l === 'string');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join('  ·  ') }] });
  return { text: truncate(escapeSlack(`${head} — ${m.summary}`), 3000), blocks };
}
