import { Router } from 'express';
import { z } from 'zod';
import { requireRole, type Actor } from '../http/auth.js';
import { forbidden } from '../http/errors.js';
import { intParam, parseBody, parseQuery, pathParam } from '../http/validation.js';
import { COMMENT_MAX, promptName, versionNumber } from '../registry/names.js';
import { requirePrompt } from '../registry/prompt-service.js';
import { draftSnapshotSchema } from '../registry/version-snapshot.js';
import type { RegistryDeps } from '../registry/registry-deps.js';
import { listDrafts } from './draft-events.js';
import { discardDraft, publishDraft, requireDraft, saveDraft } from './draft-service.js';

const commitMessage = z.string().max(COMMENT_MAX, `must be at most ${COMMENT_MAX} characters`);
const revision = z.number().int('must be an integer').min(0, 'must be at least 0');
const saveBody = draftSnapshotSchema.extend({
  commitMessage: commitMessage.default(''),
  baseVersion: versionNumber.nullable().optional(),
  revision: revision.optional(),
});
const publishBody = z.strictObject({ commitMessage: commitMessage.optional(), revision: revision.optional() });
const discardQuery = z.object({
  revision: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a revision number')
    .transform(Number)
    .optional(),
});
const listQuery = z.object({
  prompt: promptName.optional(),
  author: z.string().max(200).optional(),
  limit: intParam(1, 1000, 500),
});

/** Only the author writes a draft; an admin may also discard someone else's (an abandoned draft). */
function requireAuthor(actor: Actor, author: string, action: string, adminMay = false): void {
  if (actor.name === author || (adminMay && actor.role === 'admin')) return;
  throw forbidden(`only ${author} can ${action} this draft; key "${actor.name}" has a draft of its own`);
}

/**
 * Drafts: `GET /drafts` (who edits what), and per prompt and author
 * `GET|PUT|DELETE /prompts/{name}/drafts/{author}` and `POST …/publish` (save as a version).
 */
export function draftsRouter(deps: RegistryDeps): Router {
  const { store } = deps;
  const router = Router();

  router.get('/drafts', async (req, res) => {
    res.json({ drafts: await listDrafts(store, parseQuery(listQuery, req.query)) });
  });

  router.get('/prompts/:name/drafts', async (req, res) => {
    const prompt = pathParam(req.params, 'name');
    await requirePrompt(store, prompt, 'name');
    res.json({ drafts: await listDrafts(store, { prompt, limit: 1000 }) });
  });

  router.get('/prompts/:name/drafts/:author', async (req, res) => {
    res.json(await requireDraft(store, identity(req.params)));
  });

  router.put('/prompts/:name/drafts/:author', requireRole('deployer'), async (req, res) => {
    const id = identity(req.params);
    requireAuthor(res.locals.actor, id.author, 'edit');
    const { commitMessage, baseVersion, revision, ...content } = parseBody(saveBody, req.body);
    res.json(await saveDraft(deps, { ...id, content, commitMessage, baseVersion, expectedRevision: revision }));
  });

  router.delete('/prompts/:name/drafts/:author', requireRole('deployer'), async (req, res) => {
    const id = identity(req.params);
    requireAuthor(res.locals.actor, id.author, 'discard', true);
    const { revision } = parseQuery(discardQuery, req.query);
    await discardDraft(deps, id, revision);
    res.status(204).end();
  });

  router.post('/prompts/:name/drafts/:author/publish', requireRole('deployer'), async (req, res) => {
    const id = identity(req.params);
    requireAuthor(res.locals.actor, id.author, 'save');
    const body = parseBody(publishBody, req.body ?? {});
    const { version, created } = await publishDraft(deps, {
      ...id,
      commitMessage: body.commitMessage,
      expectedRevision: body.revision,
    });
    res.status(created ? 201 : 200).json(version);
  });

  return router;
}

function identity(params: Record<string, string | string[] | undefined>) {
  return { prompt: pathParam(params, 'name'), author: pathParam(params, 'author') };
}
