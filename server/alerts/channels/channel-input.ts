import { z } from 'zod';
import { ALERT_LEVELS } from '../alert-types.js';
import { CHANNEL_TYPES, SETTINGS_SCHEMAS } from './channel-settings.js';

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const deploymentAlerts = z.enum([...ALERT_LEVELS, 'off']);

const create = <T extends (typeof CHANNEL_TYPES)[number]>(type: T) =>
  z.strictObject({
    name,
    type: z.literal(type),
    settings: SETTINGS_SCHEMAS[type],
    /** Deployment verdict alerts from this level up (`critical`: failing verdicts only), or `off`. */
    deploymentAlerts: deploymentAlerts.default('critical'),
  });

/** The body of `POST /api/v1/alert-channels` (validate with `parseBody`). */
export const channelInput = z.discriminatedUnion(
  'type',
  [create('slack'), create('pagerduty'), create('email'), create('webhook')],
  { error: `type: must be one of ${CHANNEL_TYPES.join(', ')}` },
);

/** The body of `PATCH /api/v1/alert-channels/{id}`; `settings`, when given, replace the old ones whole. */
export const channelPatch = z.strictObject({
  name: name.optional(),
  deploymentAlerts: deploymentAlerts.optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});
