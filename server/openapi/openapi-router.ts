import { readFileSync } from 'node:fs';
import express, { type Router } from 'express';
import { openApiDocument } from './openapi-document.js';

const PACKAGE = new URL('../../package.json', import.meta.url);

/** `GET /api/v1/openapi.json`: the API description, public (no key), built once. */
export function createOpenApiRouter(): Router {
  const { version } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string };
  const document = JSON.stringify(openApiDocument(version));
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  return router;
}
