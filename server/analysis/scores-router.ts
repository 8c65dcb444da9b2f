import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { requireRole } from '../http/auth.js';
import { parseBody } from '../http/validation.js';
import { scoreOf, scoreRow } from './score-record.js';
import { findScoreTarget } from './score-target-query.js';

const scoreBody = z.strictObject({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hexadecimal characters'),
  spanId: z
    .string()
    .regex(/^[0-9a-fA-F]{16}$/, 'must be 16 hexadecimal characters')
    .optional(),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  value: z.union([z.number().min(0).max(1), z.boolean()], { error: 'must be a number from 0 to 1, or a boolean' }),
  source: z.enum(['user', 'evaluator', 'human']),
  comment: z.string().max(2000).optional(),
});

export type { Score } from './score-record.js';

/**
 * `POST /api/v1/scores` — a quality score for a trace, possibly long after it ran. It is attributed to the
 * trace's generation span (its environment, prompt, version and time), so it counts toward that version's
 * quality in every metric and analysis. Booleans count as 1 / 0.
 */
export function scoresRouter(ctx: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  router.post('/scores', requireRole('scorer'), async (req, res) => {
    const body = parseBody(scoreBody, req.body);
    const traceId = body.traceId.toLowerCase();
    const target = await findScoreTarget(ctx.store, traceId, body.spanId?.toLowerCase());
    const score = scoreOf(target, {
      id: `score_${randomUUID()}`,
      traceId,
      name: body.name,
      value: typeof body.value === 'boolean' ? Number(body.value) : body.value,
      source: body.source,
      comment: body.comment ?? '',
    });
    await ctx.store.insert('scores', [scoreRow(score, res.locals.actor.name)]);
    res.status(201).json(score);
  });
  return router;
}
