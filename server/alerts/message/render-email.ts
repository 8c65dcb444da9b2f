import { describeScope, headline, RECENT_CHANGES_HOURS, type AlertMessage } from './alert-message.js';
import { formatTime, numberFields, stepByline } from './message-text.js';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The alert as an email: the same facts as the Slack message, as plain text and as escaped HTML. */
export function renderEmail(m: AlertMessage): EmailContent {
  const subject = `[Tracelane] ${headline(m)}: ${m.title}`.replace(/[\r\n]+/g, ' ');
  const fields = numberFields(m.facts);
  const byline = stepByline(m);
  const links: [string, string][] = [];
  if (m.links.oncall) links.push(['On-call view', m.links.oncall]);
  if (m.links.rollback && m.deployment) links.push([`Roll back v${m.deployment.version}`, m.links.rollback]);
  links.push(['Alert in Tracelane', m.links.alert]);
  const changes = m.recentChanges.map((c) => `${formatTime(c.time)}  ${c.text}`);
  const changesTitle = `Deployments and changes, last ${RECENT_CHANGES_HOURS} h`;

  const text = [
    `${headline(m)}: ${m.title}`,
    '',
    m.summary,
    `Scope: ${describeScope(m.scope)}`,
    ...(byline ? [byline] : []),
    '',
    ...fields.map(([label, value]) => `${label}: ${value}`),
    '',
    `${changesTitle}:`,
    ...(changes.length > 0 ? changes.map((c) => `  - ${c}`) : ['  none']),
    '',
    ...links.map(([label, url]) => `${label}: ${url}`),
  ].join('\n');

  const rows = fields.map(([l, v]) => `<tr><th align="left">${escapeHtml(l)}</th><td>${escapeHtml(v)}</td></tr>`);
  const html = [
    `<h2>${escapeHtml(`${headline(m)}: ${m.title}`)}</h2>`,
    `<p>${escapeHtml(m.summary)}<br><em>${escapeHtml(describeScope(m.scope))}</em></p>`,
    byline ? `<p>${escapeHtml(byline)}</p>` : '',
    rows.length > 0 ? `<table cellpadding="4">${rows.join('')}</table>` : '',
    `<h3>${escapeHtml(changesTitle)}</h3>`,
    changes.length > 0 ? `<ul>${changes.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>` : '<p>none</p>',
    `<p>${links.map(([label, url]) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`).join(' · ')}</p>`,
  ].join('\n');
  return { subject, text, html };
}
