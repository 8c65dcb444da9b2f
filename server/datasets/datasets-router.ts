import express, { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../app.js';
import { requireRole } from '../http/auth.js';
import { badRequest, notFound } from '../http/errors.js';
import { intParam, parseBody, parseField, parseQuery, pathParam } from '../http/validation.js';
import { nameSchema } from '../registry/names.js';
import { itemInput } from './dataset-item.js';
import { findDataset, itemsAt, listDatasets, listDatasetVersions } from './dataset-queries.js';
import { changeItems, createDataset, requireDataset } from './dataset-service.js';
import { itemsToCsv, itemsToJsonl } from './export-items.js';
import { itemFromTrace } from './item-from-trace.js';
import { parseImport } from './import-parse.js';

export const datasetName = nameSchema(200);
const MAX_ITEMS_PER_REQUEST = 10_000;
const PREVIEW_ITEMS = 50;
/** Imports arrive as the raw file (JSONL or CSV), not JSON: up to this many bytes. */
const IMPORT_LIMIT = '20mb';

const createBody = z.strictObject({
  name: datasetName,
  description: z.string().max(2000, 'must be at most 2000 characters').default(''),
  items: z.array(itemInput).max(MAX_ITEMS_PER_REQUEST).default([]),
});
const addBody = z.strictObject({
  items: z.array(itemInput).min(1, 'must hold at least one item').max(MAX_ITEMS_PER_REQUEST),
  message: z.string().max(1000).default(''),
});
const editBody = itemInput.omit({ id: true });
const versionQuery = z.object({ version: intParam(0, 4_294_967_295, 0) });
const importQuery = z.object({
  format: z.enum(['jsonl', 'csv'], 'must be jsonl or csv'),
  dryRun: z.enum(['true', 'false']).default('false'),
});
const exportQuery = z.object({
  format: z.enum(['jsonl', 'csv'], 'must be jsonl or csv').default('jsonl'),
  version: intParam(0, 4_294_967_295, 0),
});
const fromTraceBody = z.strictObject({
  traceId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'),
  spanId: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits')
    .optional(),
  category: z.string().max(100).default(''),
  /** The expected output; the trace's output when absent (the item then records what production answered). */
  expected: z.json().optional(),
});

/**
 * `/api/v1/datasets`: named, versioned lists of labelled items. Reading needs any key; changing needs deployer.
 * Every change appends a dataset version; `?version=` reads an earlier one.
 */
export function datasetsRouter({ store }: Pick<ApiContext, 'store'>): Router {
  const router = Router();
  const name = (params: Record<string, string | string[] | undefined>) =>
    parseField(datasetName, pathParam(params, 'name'), 'name');
  const versionOf = async (dataset: string, requested: number) => {
    const d = await requireDataset(store, dataset, 'name');
    if (requested > d.version) throw notFound(`version: dataset "${dataset}" has no version ${requested}`, 'version');
    return { dataset: d, version: requested === 0 ? d.version : requested };
  };

  router.get('/datasets', async (_req, res) => {
    res.json({ datasets: await listDatasets(store) });
  });

  router.post('/datasets', requireRole('deployer'), async (req, res) => {
    const body = parseBody(createBody, req.body);
    checkUniqueIds(body.items);
    await createDataset(store, body.name, body.description, res.locals.actor.name);
    if (body.items.length > 0) {
      await changeItems(
        store,
        body.name,
        { kind: 'upsert', items: body.items, source: 'api' },
        res.locals.actor.name,
        'created',
      );
    }
    res.status(201).json(await findDataset(store, body.name));
  });

  router.get('/datasets/:name', async (req, res) => {
    const dataset = await requireDataset(store, name(req.params), 'name');
    res.json({ ...dataset, versions: await listDatasetVersions(store, dataset.name) });
  });

  router.get('/datasets/:name/items', async (req, res) => {
    const { dataset, version } = await versionOf(name(req.params), parseQuery(versionQuery, req.query).version);
    res.json({ dataset: dataset.name, version, items: await itemsAt(store, dataset.name, version) });
  });

  router.post('/datasets/:name/items', requireRole('deployer'), async (req, res) => {
    const body = parseBody(addBody, req.body);
    checkUniqueIds(body.items);
    const result = await changeItems(
      store,
      name(req.params),
      { kind: 'upsert', items: body.items, source: 'api' },
      res.locals.actor.name,
      body.message || `${body.items.length} items added or changed`,
    );
    res.status(201).json(result);
  });

  router.put('/datasets/:name/items/:id', requireRole('deployer'), async (req, res) => {
    const dataset = name(req.params);
    const id = pathParam(req.params, 'id');
    const current = (await itemsAt(store, dataset, (await requireDataset(store, dataset, 'name')).version)).find(
      (i) => i.id === id,
    );
    if (!current) throw notFound(`item "${id}" is not in dataset "${dataset}"`, 'id');
    const item = parseBody(editBody, req.body);
    res.json(
      await changeItems(
        store,
        dataset,
        { kind: 'upsert', items: [{ ...item, id }], source: current.source },
        res.locals.actor.name,
        `item ${id} edited`,
      ),
    );
  });

  router.delete('/datasets/:name/items/:id', requireRole('deployer'), async (req, res) => {
    const id = pathParam(req.params, 'id');
    res.json(
      await changeItems(
        store,
        name(req.params),
        { kind: 'delete', ids: [id] },
        res.locals.actor.name,
        `item ${id} deleted`,
      ),
    );
  });

  /** The raw file as the body; `dryRun=true` answers the preview (first items, every line error) and stores nothing. */
  router.post(
    '/datasets/:name/import',
    requireRole('deployer'),
    express.text({ type: () => true, limit: IMPORT_LIMIT }),
    async (req, res) => {
      const dataset = name(req.params);
      const query = parseQuery(importQuery, req.query);
      if (typeof req.body !== 'string')
        throw badRequest('the body must be the JSONL or CSV file (any Content-Type but JSON)');
      await requireDataset(store, dataset, 'name');
      const parsed = parseImport(query.format, req.body);
      const summary = {
        valid: parsed.items.length,
        invalid: parsed.errors.length,
        errors: parsed.errors.slice(0, 1000),
      };
      if (query.dryRun === 'true' || parsed.items.length === 0) {
        res.json({ ...summary, stored: false, preview: parsed.items.slice(0, PREVIEW_ITEMS) });
        return;
      }
      const items = parsed.items.map((i) => i.item);
      const message = `imported ${items.length} items (${query.format})${parsed.errors.length ? `, ${parsed.errors.length} lines rejected` : ''}`;
      const result = await changeItems(
        store,
        dataset,
        { kind: 'upsert', items, source: 'import' },
        res.locals.actor.name,
        message,
      );
      res.status(201).json({ ...summary, stored: true, ...result, ids: undefined });
    },
  );

  router.get('/datasets/:name/export', async (req, res) => {
    const query = parseQuery(exportQuery, req.query);
    const { dataset, version } = await versionOf(name(req.params), query.version);
    const items = await itemsAt(store, dataset.name, version);
    const file = `${dataset.name.replaceAll('/', '_')}-v${version}.${query.format}`;
    res.setHeader('content-disposition', `attachment; filename="${file}"`);
    if (query.format === 'csv') res.type('text/csv').send(itemsToCsv(items));
    else res.type('application/x-ndjson').send(itemsToJsonl(items));
  });

  router.post('/datasets/:name/items/from-trace', requireRole('deployer'), async (req, res) => {
    const dataset = name(req.params);
    const body = parseBody(fromTraceBody, req.body);
    await requireDataset(store, dataset, 'name');
    const item = await itemFromTrace(store, body);
    const result = await changeItems(
      store,
      dataset,
      { kind: 'upsert', items: [item], source: `trace:${body.traceId}` },
      res.locals.actor.name,
      `item from trace ${body.traceId}`,
    );
    res.status(201).json({ ...result, item: { ...item, id: result.ids[0] } });
  });

  return router;
}

function checkUniqueIds(items: readonly { id?: string }[]): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (item.id === undefined) return;
    if (seen.has(item.id)) throw badRequest(`items.${index}.id: "${item.id}" appears twice`, `items.${index}.id`);
    seen.add(item.id);
  });
}
