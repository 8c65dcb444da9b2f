import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../http/auth.js';
import { badRequest, notFound } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { diffSnapshots } from './diff.js';
import { describePrompts } from './prompt-overview.js';
import { countPrompts, listPrompts } from './prompt-queries.js';
import { createPrompt, createVersion, requirePrompt, requireVersion, updatePrompt } from './prompt-service.js';
import { environmentName, promptName, promptTag, versionText } from './names.js';
import { pageParams } from './query-params.js';
import { laneEvents } from './deployment-queries.js';
import { deriveLaneState } from './environment-state.js';
import { requireEnvironment } from './environment-service.js';
import { parseBody, parseField, parseQuery, pathParam } from '../http/validation.js';
import { snapshotSchema } from './version-snapshot.js';
import { listVersions } from './version-queries.js';

const description = z.string().max(2000, 'must be at most 2000 characters');
const tags = z
  .array(promptTag)
  .max(20, 'must have at most 20 tags')
  .transform((list) => [...new Set(list)].sort());
const createPromptBody = z.strictObject({
  name: promptName,
  description: description.default(''),
  tags: tags.default([]),
});
const updatePromptBody = z.strictObject({ description: description.optional(), tags: tags.optional() });
const listQuery = z.object({
  search: z.string().max(200).default(''),
  environment: environmentName.optional(),
  ...pageParams,
});
const createVersionBody = snapshotSchema.extend({
  commitMessage: z.string().max(2000, 'must be at most 2000 characters').default(''),
});
const diffQuery = z.object({ from: z.string().max(100), to: z.string().max(100) });

/**
 * Prompts and their versions. Prompt names may contain `/`: send it encoded (`/api/v1/prompts/support%2Ftriage`).
 */
export function promptsRouter(store: Store): Router {
  const router = Router();

  router.post('/prompts', requireRole('deployer'), async (req, res) => {
    const body = parseBody(createPromptBody, req.body);
    const prompt = await createPrompt(store, body.name, body, res.locals.actor.name);
    res.status(201).json({ ...prompt, latestVersion: null, deployments: [] });
  });

  router.patch('/prompts/:name', requireRole('deployer'), async (req, res) => {
    const name = pathParam(req.params, 'name');
    const prompt = await updatePrompt(store, name, parseBody(updatePromptBody, req.body));
    const [overview] = await describePrompts(store, [prompt]);
    res.json(overview);
  });

  router.get('/prompts', async (req, res) => {
    const query = parseQuery(listQuery, req.query);
    const [prompts, total] = await Promise.all([listPrompts(store, query), countPrompts(store, query)]);
    res.json({ prompts: await describePrompts(store, prompts), total });
  });

  router.get('/prompts/:name', async (req, res) => {
    const name = pathParam(req.params, 'name');
    const [overview] = await describePrompts(store, [await requirePrompt(store, name, 'name')]);
    res.json(overview);
  });

  router.post('/prompts/:name/versions', requireRole('deployer'), async (req, res) => {
    const name = pathParam(req.params, 'name');
    const { commitMessage, ...snapshot } = parseBody(createVersionBody, req.body);
    const { version, created } = await createVersion(store, name, {
      snapshot,
      commitMessage,
      author: res.locals.actor.name,
    });
    res.status(created ? 201 : 200).json(version);
  });

  router.get('/prompts/:name/versions', async (req, res) => {
    const name = pathParam(req.params, 'name');
    const page = parseQuery(z.object(pageParams), req.query);
    await requirePrompt(store, name, 'name');
    res.json({ versions: await listVersions(store, name, page) });
  });

  router.get('/prompts/:name/versions/:version', async (req, res) => {
    const name = pathParam(req.params, 'name');
    const version = parseField(versionText, pathParam(req.params, 'version'), 'version');
    await requirePrompt(store, name, 'name');
    res.json(await requireVersion(store, name, version));
  });

  router.get('/prompts/:name/diff', async (req, res) => {
    const name = pathParam(req.params, 'name');
    const query = parseQuery(diffQuery, req.query);
    await requirePrompt(store, name, 'name');
    const from = await versionRef(store, name, query.from, 'from');
    const to = await versionRef(store, name, query.to, 'to');
    const [a, b] = await Promise.all([
      requireVersion(store, name, from.version, 'from'),
      requireVersion(store, name, to.version, 'to'),
    ]);
    res.json({ prompt: name, from, to, ...diffSnapshots(a, b) });
  });

  return router;
}

/** `from` / `to` of a diff: a version number, or an environment name meaning its deployed (stable) version. */
async function versionRef(store: Store, prompt: string, ref: string, field: string) {
  if (/^\d+$/.test(ref)) return { version: parseField(versionText, ref, field), environment: null };
  if (!environmentName.safeParse(ref).success)
    throw badRequest(`${field}: must be a version number or an environment name`, field);
  await requireEnvironment(store, ref, field);
  const state = deriveLaneState(await laneEvents(store, prompt, ref));
  if (state.stableVersion === null)
    throw notFound(`${field}: prompt "${prompt}" has no version deployed in "${ref}"`, field);
  return { version: state.stableVersion, environment: ref };
}
