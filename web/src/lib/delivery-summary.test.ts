import { expect, it } from 'vitest';
import type { AlertDeliveryRow, AlertStep } from './api-types.js';
import { summarizeDeliveries } from './delivery-summary.js';

const row = (
  d: string,
  attempt: number,
  result: AlertDeliveryRow['result'],
  extra: Partial<AlertDeliveryRow> = {},
) => ({
  id: `${d}-${attempt}`,
  deliveryId: d,
  alertId: 'a',
  alertSeq: 1,
  channelId: 'ch',
  channelType: 'slack',
  attempt,
  time: `2026-12-03T10:00:0${attempt}.000Z`,
  result,
  httpStatus: null,
  error: '',
  responseExcerpt: '',
  latencyMs: 1,
  nextRetryAt: null,
  ...extra,
});

it('sums a delivery up from its latest row, with the step it announced', () => {
  const rows = [
    row('d1', 2, 'delivered', { responseExcerpt: 'ok' }),
    row('d1', 0, 'queued'),
    row('d1', 1, 'retrying', { error: 'receiver answered HTTP 500' }),
    row('d2', 0, 'queued', { alertSeq: 2, time: '2026-12-03T11:00:00.000Z' }),
  ];
  const steps = [
    { seq: 1, kind: 'fired' },
    { seq: 2, kind: 'resolved' },
  ] as AlertStep[];
  expect(summarizeDeliveries(rows, steps)).toEqual([
    expect.objectContaining({ deliveryId: 'd2', step: 'resolved', result: 'queued', attempts: 0 }),
    expect.objectContaining({ deliveryId: 'd1', step: 'fired', result: 'delivered', attempts: 2, detail: 'ok' }),
  ]);
});
