import { Router } from 'express';
import { z } from 'zod';
import { parseQuery, pathParam } from '../http/validation.js';
import { listEnvironments } from '../registry/environment-queries.js';
import { environmentName } from '../registry/names.js';
import { requirePrompt } from '../registry/prompt-service.js';
import type { Store } from '../store/store.js';
import { comparePair } from './compare-sides.js';
import { parseRef, resolveRef } from './snapshot-ref.js';

/** The live figures' window, ending now. */
export const FIGURE_WINDOWS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

const ref = z.string().min(1, 'must not be empty').max(220, 'must be at most 220 characters');
const compareQuery = z.object({
  from: ref,
  to: ref,
  environment: environmentName.optional(),
  window: z.enum(Object.keys(FIGURE_WINDOWS) as [keyof typeof FIGURE_WINDOWS]).default('24h'),
});

/**
 * `GET /api/v1/prompts/{name}/compare?from=&to=&environment=&window=` — the comparisons a release owner makes
 * before changing what is live: a draft against an environment, staging against production, a candidate against
 * the last version that passed, any two versions. The structured diff, plus each side's live figures (in the
 * environment it names, else in `environment`, default the primary one) and latest offline evaluation.
 */
export function compareRouter(store: Store): Router {
  const router = Router();
  router.get('/prompts/:name/compare', async (req, res) => {
    const prompt = pathParam(req.params, 'name');
    const query = parseQuery(compareQuery, req.query);
    await requirePrompt(store, prompt, 'name');
    const fromRef = parseRef(query.from, 'from');
    const toRef = parseRef(query.to, 'to');
    const [from, to, environments] = await Promise.all([
      resolveRef(store, prompt, fromRef, 'from'),
      resolveRef(store, prompt, toRef, 'to'),
      listEnvironments(store),
    ]);
    const now = Date.now();
    res.json(
      await comparePair(
        store,
        prompt,
        { text: query.from, resolved: from },
        { text: query.to, resolved: to },
        {
          environment: query.environment ?? environments.find((e) => e.primary)?.name,
          from: now - FIGURE_WINDOWS[query.window],
          to: now,
        },
      ),
    );
  });
  return router;
}
