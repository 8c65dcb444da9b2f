import { randomUUID } from 'node:crypto';
import type { Channel } from '../channels/channel-table.js';
import type { AlertMessage } from './alert-message.js';

/** A message that says it is a test, sent to one channel from its settings to check that it arrives. */
export function testMessage(channel: Channel, actor: string, publicUrl: string): AlertMessage {
  const id = `test_${randomUUID()}`;
  const time = new Date().toISOString();
  return {
    alertId: id,
    dedupKey: `tracelane-${id}`,
    step: 'test',
    status: 'firing',
    level: 'warning',
    source: 'monitor',
    title: `Test of the channel "${channel.name}"`,
    summary: `${actor} sent this test message from Tracelane. Alerts routed to this channel will arrive like this.`,
    time,
    firedAt: time,
    scope: { environment: '', prompt: '', model: '' },
    facts: null,
    deployment: null,
    recentChanges: [],
    links: { alert: `${publicUrl.replace(/\/+$/, '')}/alerts`, oncall: null, rollback: null },
    actor,
    note: '',
  };
}
