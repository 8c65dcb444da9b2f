import express, { type RequestHandler, type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:web` writes the UI. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * Headers for every UI response. Scripts only from this origin (so even an injected tag could not run); inline
 * styles are allowed because components position elements with style attributes.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

const setSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set(SECURITY_HEADERS);
  next();
};

/**
 * Serves the built UI on the API port: hashed assets with a long cache, and `index.html` (never cached) for every
 * other GET path so client-side routes work on reload and as shared links. Mount it after the /api routes.
 * When the UI is not built, every page says how to build it.
 */
export function createWebHandler(distDir = DEFAULT_WEB_DIST): Router {
  const router = express.Router();
  router.use(setSecurityHeaders);
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) {
    router.get(/.*/, (_req, res) => {
      res.status(503).type('html').send(NOT_BUILT_PAGE);
    });
    return router;
  }
  router.use(
    '/assets',
    express.static(join(distDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false, index: false }),
  );
  router.use(express.static(distDir, { index: false, maxAge: 0 }));
  router.get(/.*/, (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tracelane — UI not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>The Tracelane web UI is not built</h1>
<p>The API is running (try <code>/api/v1/health</code>), but <code>web/dist</code> does not exist.</p>
<p>Build the UI with <code>npm run build:web</code> and reload this page.</p></body></html>
`;
