import { Router } from 'express';
import { z } from 'zod';
import { MissingVariablesError, renderPrompt, type Rendered } from '../../clients/typescript/src/render.js';
import { AppError, badRequest } from '../http/errors.js';
import { parseBody, pathParam } from '../http/validation.js';
import { environmentName, versionNumber } from '../registry/names.js';
import { requirePrompt } from '../registry/prompt-service.js';
import type { Snapshot } from '../registry/version-snapshot.js';
import type { Store } from '../store/store.js';
import { resolveRef, type SnapshotRef } from './snapshot-ref.js';

const renderBody = z.strictObject({
  version: versionNumber.optional(),
  environment: environmentName.optional(),
  /** The author whose draft is rendered. */
  draft: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  variables: z.record(z.string().max(200, 'names must be at most 200 characters'), z.json()).default({}),
});

const SOURCES = 'give exactly one of version, environment or draft';

/** `POST /api/v1/prompts/{name}/render`: where the messages came from, the model settings, and the messages. */
export interface RenderedPrompt extends Pick<Snapshot, 'provider' | 'model' | 'settings'>, Rendered {
  prompt: string;
  version: number | null;
  environment: string | null;
  /** The author, when a draft was rendered. */
  draft: string | null;
}

/**
 * `POST /api/v1/prompts/{name}/render` — the exact messages the model would receive from a version, what is live
 * in an environment, or a draft, with the given variable values (the rules of clients/typescript/src/render.ts).
 * A placeholder without a value is a 400 naming it (`variables.<name>`), with every missing name in `missing`.
 * Reads only: any key may call it.
 */
export function renderRouter(store: Store): Router {
  const router = Router();
  router.post('/prompts/:name/render', async (req, res) => {
    const prompt = pathParam(req.params, 'name');
    const input = parseBody(renderBody, req.body);
    await requirePrompt(store, prompt, 'name');
    const refs: [string, SnapshotRef][] = [];
    if (input.version !== undefined) refs.push(['version', { kind: 'version', version: input.version }]);
    if (input.environment !== undefined)
      refs.push(['environment', { kind: 'environment', environment: input.environment }]);
    if (input.draft !== undefined) refs.push(['draft', { kind: 'draft', author: input.draft }]);
    const [source, ...others] = refs;
    if (!source || others.length > 0)
      throw badRequest(`${source?.[0] ?? 'version'}: ${SOURCES}`, source?.[0] ?? 'version');
    const side = await resolveRef(store, prompt, source[1], source[0]);
    const { snapshot } = side;
    try {
      const rendered = renderPrompt({ messages: snapshot.messages, variables: snapshot.variables }, input.variables);
      const body: RenderedPrompt = {
        prompt,
        version: side.version,
        environment: side.environment,
        draft: side.draftAuthor,
        provider: snapshot.provider,
        model: snapshot.model,
        settings: snapshot.settings,
        messages: rendered.messages,
        unusedValues: rendered.unusedValues,
      };
      res.json(body);
    } catch (err) {
      if (!(err instanceof MissingVariablesError)) throw err;
      throw new AppError(400, 'bad_request', err.message, `variables.${err.variables[0]}`, { missing: err.variables });
    }
  });
  return router;
}
