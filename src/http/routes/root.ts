// `/`: the web app built into dist/web (index.html for every page path, hashed files under /assets/), or, when
// it is not built, a small page that says what this is and where the API docs are.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { withInlineStyle } from '../content-security.js';
import { sendError } from '../plugins/errors.js';
import { DOCS_PATH } from '../plugins/openapi.js';
import type { App } from '../types.js';

/** Where `npm run build` puts the web app (the same from src/http/routes and dist/http/routes). */
export const WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

const ASSET_NAME = /^[\w.-]+\.(js|css|svg|png|webp|woff2|map)$/;
const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  webp: 'image/webp',
  woff2: 'font/woff2',
  map: 'application/json; charset=utf-8',
};
const NOT_APP_PAGES = /^\/(api|ws)(\/|$)/;

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
</head><body>
<h1>Parley is running</h1>
<p>The omnichannel CRM for Telegram. The web app is not built here (<code>npm run build</code> builds it); meanwhile
the whole product is reachable through the REST API.</p>
<p><a href="${DOCS_PATH}">API documentation</a> · <a href="/api/health">health</a></p>
</body></html>`;

export function rootRoutes(app: App, webRoot: string | undefined): void {
  if (webRoot && existsSync(path.join(webRoot, 'index.html'))) {
    webAppRoutes(app, webRoot);
    return;
  }
  const helmet = { contentSecurityPolicy: { useDefaults: false, directives: withInlineStyle(STYLE) } };
  app.get('/', { config: { public: true }, schema: { hide: true }, helmet }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PLACEHOLDER),
  );
}

function webAppRoutes(app: App, webRoot: string): void {
  const assets = path.join(webRoot, 'assets');
  const page = async (reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache') // the app's CSP is helmet's (http/content-security.ts)
      .send(await readFile(path.join(webRoot, 'index.html')));

  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => page(reply));

  app.get<{ Params: { file: string } }>(
    '/assets/:file',
    { config: { public: true }, schema: { hide: true } },
    async (request, reply) => {
      const match = ASSET_NAME.exec(request.params.file);
      const file = match ? path.join(assets, request.params.file) : null;
      if (!match?.[1] || !file || !existsSync(file)) return sendError(reply, 404, 'not_found', 'no such file');
      // Names carry a content hash, so a file never changes under its name.
      return reply
        .type(CONTENT_TYPES[match[1]] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(await readFile(file));
    },
  );

  // History fallback: a deep link (/inbox/42) loads the app, which routes on the client; the API keeps its 404s.
  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    if (NOT_APP_PAGES.test(pathname)) return sendError(reply, 404, 'not_found', `no such endpoint: GET ${pathname}`);
    return page(reply);
  });
}
