import { request } from './api.js';
import type {
  Alert,
  AlertDeliveryRow,
  AlertStep,
  ChangeAnalysis,
  ChangeItem,
  Channel,
  ChannelType,
  MonitorInput,
  MonitorOutcome,
  MonitorView,
} from './api-types.js';

/** The alerting endpoints (alerts, monitors, channels, changes), over api.ts's one request function. */
const enc = encodeURIComponent;

export type AlertStatusFilter = 'open' | 'firing' | 'acknowledged' | 'resolved';

export interface AlertDetail {
  alert: Alert;
  steps: AlertStep[];
  deliveries: AlertDeliveryRow[];
}

export type MonitorBody = Partial<MonitorInput> & Pick<MonitorInput, 'name' | 'metric' | 'condition'>;

export interface ChannelBody {
  name: string;
  type: ChannelType;
  settings: Record<string, unknown>;
  deploymentAlerts: 'warning' | 'critical' | 'off';
}

export const alertsApi = {
  alerts: async (q: { status?: AlertStatusFilter; environment?: string; limit?: number }, signal?: AbortSignal) =>
    (await request<{ alerts: Alert[] }>('GET', '/alerts', { query: q, signal })).alerts,

  alert: (id: string, signal?: AbortSignal) => request<AlertDetail>('GET', `/alerts/${enc(id)}`, { signal }),

  acknowledge: (id: string, note: string) =>
    request<Alert>('POST', `/alerts/${enc(id)}/acknowledge`, { body: { note } }),

  resolve: (id: string, note: string) => request<Alert>('POST', `/alerts/${enc(id)}/resolve`, { body: { note } }),

  monitors: async (signal?: AbortSignal) =>
    (await request<{ monitors: MonitorView[] }>('GET', '/monitors', { signal })).monitors,

  createMonitor: (body: MonitorBody) => request<MonitorView>('POST', '/monitors', { body }),

  updateMonitor: (id: string, body: Partial<MonitorInput>) =>
    request<MonitorView>('PATCH', `/monitors/${enc(id)}`, { body }),

  deleteMonitor: (id: string) => request<void>('DELETE', `/monitors/${enc(id)}`),

  previewMonitor: (body: MonitorBody, signal?: AbortSignal) =>
    request<MonitorOutcome>('POST', '/monitors/preview', { body, signal }),

  channels: async (signal?: AbortSignal) =>
    (await request<{ channels: Channel[] }>('GET', '/alert-channels', { signal })).channels,

  createChannel: (body: ChannelBody) => request<Channel & { secret?: string }>('POST', '/alert-channels', { body }),

  deleteChannel: (id: string) => request<void>('DELETE', `/alert-channels/${enc(id)}`),

  testChannel: (id: string) => request<{ deliveryId: string }>('POST', `/alert-channels/${enc(id)}/test`),

  channelDeliveries: async (id: string, signal?: AbortSignal) =>
    (await request<{ deliveries: AlertDeliveryRow[] }>('GET', `/alert-channels/${enc(id)}/deliveries`, { signal }))
      .deliveries,

  changes: async (q: { environment?: string; prompt?: string; from?: number; to?: number }, signal?: AbortSignal) => {
    const query = {
      ...q,
      from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
      to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
    };
    return (await request<{ changes: ChangeItem[] }>('GET', '/changes', { query, signal })).changes;
  },

  changeAnalysis: (id: string, signal?: AbortSignal) =>
    request<ChangeAnalysis>('GET', `/changes/${enc(id)}/analysis`, { signal }),
};
