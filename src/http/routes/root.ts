import type { App } from '../types.js';
import { withInlineStyle } from '../content-security.js';
import { DOCS_PATH } from '../plugins/openapi.js';

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
</head><body>
<h1>Parley is running</h1>
<p>The omnichannel CRM for Telegram. The web inbox is on its way; meanwhile the whole product is reachable through
the REST API.</p>
<p><a href="${DOCS_PATH}">API documentation</a> · <a href="/api/health">health</a></p>
</body></html>`;

/** Until the web app lands, `/` says what this is and where the API docs are. */
export function rootRoutes(app: App): void {
  const helmet = { contentSecurityPolicy: { useDefaults: false, directives: withInlineStyle(STYLE) } };
  app.get('/', { config: { public: true }, schema: { hide: true }, helmet }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
}
