import type { Store } from '../../store/store.js';
import type { AlertLevel } from '../alert-types.js';
import { channelTarget, type ChannelSettings, type ChannelType } from './channel-settings.js';

/** The lowest level of deployment verdict alerts a channel receives, or `off`. */
export type DeploymentAlerts = AlertLevel | 'off';

/** A channel as the API shows it: never its settings, only where it sends. */
export interface Channel {
  id: string;
  name: string;
  type: ChannelType;
  /** Host of the URL, or the email addresses. */
  target: string;
  deploymentAlerts: DeploymentAlerts;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** A channel with its settings (secrets included): for the transports and the update route only. */
export interface ChannelWithSettings extends Channel {
  settings: ChannelSettings;
}

interface ChannelRow {
  id: string;
  name: string;
  type: string;
  settings: string;
  deployment_alerts: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

const COLUMNS = 'id, name, type, settings, deployment_alerts, created_at, created_by, updated_at, updated_by';

function fromRow(r: ChannelRow): ChannelWithSettings {
  const type = r.type as ChannelType;
  const settings = JSON.parse(r.settings) as ChannelSettings;
  return {
    id: r.id,
    name: r.name,
    type,
    target: channelTarget(type, settings),
    deploymentAlerts: r.deployment_alerts as DeploymentAlerts,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    settings,
  };
}

/** Drops the settings before a channel leaves the server. */
export function publicChannel({ settings: _settings, ...channel }: ChannelWithSettings): Channel {
  return channel;
}

/** Creates, updates (the whole row again) or deletes (`deleted`) a channel; the latest row of an id wins. */
export async function saveChannel(store: Store, c: ChannelWithSettings, deleted = false): Promise<void> {
  await store.insert('alert_channels', [
    {
      id: c.id,
      name: c.name,
      type: c.type,
      settings: JSON.stringify(c.settings),
      deployment_alerts: c.deploymentAlerts,
      created_at: c.createdAt,
      created_by: c.createdBy,
      deleted: deleted ? 1 : 0,
      updated_at: c.updatedAt,
      updated_by: c.updatedBy,
    },
  ]);
}

export async function listChannels(store: Store): Promise<ChannelWithSettings[]> {
  const rows = await store.query<ChannelRow>(
    `SELECT ${COLUMNS} FROM alert_channels FINAL WHERE deleted = 0 ORDER BY name, id`,
  );
  return rows.map(fromRow);
}

export async function findChannel(store: Store, id: string): Promise<ChannelWithSettings | undefined> {
  const rows = await store.query<ChannelRow>(
    `SELECT ${COLUMNS} FROM alert_channels FINAL WHERE id = {id:String} AND deleted = 0`,
    { id },
  );
  return rows[0] && fromRow(rows[0]);
}
