import { describeScope, headline, type AlertMessage } from './alert-message.js';
import { formatTime, numberFields, truncate } from './message-text.js';

/**
 * A PagerDuty Events API v2 event. Every step of one alert uses the alert's dedup key, so PagerDuty keeps one
 * incident: firing steps `trigger` it (again on a level change or a reminder, which PagerDuty folds into the open
 * alert), acknowledging `acknowledge`s it and resolving `resolve`s it.
 */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'warning' | 'info';
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}

export function renderPagerDuty(m: AlertMessage, routingKey: string): PagerDutyEvent {
  const action = m.status === 'resolved' ? 'resolve' : m.step === 'acknowledged' ? 'acknowledge' : 'trigger';
  const base = { routing_key: routingKey, event_action: action, dedup_key: m.dedupKey } as const;
  if (action !== 'trigger') return base;
  const links = [
    m.links.oncall && { href: m.links.oncall, text: 'On-call view' },
    m.links.rollback && m.deployment && { href: m.links.rollback, text: `Roll back v${m.deployment.version}` },
    { href: m.links.alert, text: 'Alert in Tracelane' },
  ].filter((l): l is { href: string; text: string } => typeof l === 'object' && l !== null);
  return {
    ...base,
    payload: {
      summary: truncate(`${headline(m)}: ${m.title} — ${m.summary}`, 1024),
      source: `tracelane${m.scope.environment ? `/${m.scope.environment}` : ''}`,
      severity: m.step === 'test' ? 'info' : m.level,
      timestamp: m.firedAt,
      ...(m.scope.prompt ? { component: m.scope.prompt } : {}),
      ...(m.scope.environment ? { group: m.scope.environment } : {}),
      ...(m.facts ? { class: m.facts.metric } : { class: m.source }),
      custom_details: {
        scope: describeScope(m.scope),
        ...Object.fromEntries(numberFields(m.facts)),
        ...(m.deployment
          ? { deployment: `v${m.deployment.version} (${m.deployment.id}) by ${m.deployment.actor}` }
          : {}),
        recent_changes: m.recentChanges.map((c) => `${formatTime(c.time)} ${c.text}`),
      },
    },
    client: 'Tracelane',
    client_url: m.links.alert,
    links,
  };
}
