// The server serves a built web app: every page path gets index.html (deep links), hashed files are cached
// forever, index.html never, the pages carry a strict CSP, and the API keeps its JSON 404s.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useServer } from './support/server.js';

const webRoot = mkdtempSync(path.join(tmpdir(), 'parley-web-'));
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-Ab12Cd.js"></script></head><body></body></html>';
mkdirSync(path.join(webRoot, 'assets'));
writeFileSync(path.join(webRoot, 'index.html'), INDEX);
writeFileSync(path.join(webRoot, 'assets/app-Ab12Cd.js'), 'export const app = 1;\n');
afterAll(() => rmSync(webRoot, { recursive: true, force: true }));

describe('the built web app served at /', () => {
  const server = useServer('sqlite', { webRoot });

  it('answers / and deep links with index.html, never cached, under a strict CSP', async () => {
    for (const page of ['/', '/inbox', '/inbox/42?tab=mine', '/login']) {
      const { text, headers } = await server().anonymous.get(page).expect(200);
      expect(text).toBe(INDEX);
      expect(headers.get('content-type')).toContain('text/html');
      expect(headers.get('cache-control')).toBe('no-cache');
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
  });

  it('serves hashed assets as immutable, with their type, to anyone', async () => {
    const { text, headers } = await server().anonymous.get('/assets/app-Ab12Cd.js').expect(200);
    expect(text).toBe('export const app = 1;\n');
    expect(headers.get('content-type')).toContain('text/javascript');
    expect(headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing or malformed asset with a JSON 404, not the page', async () => {
    for (const asset of ['/assets/missing-00.js', '/assets/..%2Findex.html', '/assets/app.exe']) {
      const { body } = await server().anonymous.get(asset).expect(404);
      expect(body.error.code).toBe('not_found');
    }
  });

  it('keeps JSON 404s for unknown API and socket paths instead of falling back to the page', async () => {
    const api = await server().admin.get('/api/nothing-here/').expect(404);
    expect(api.body).toEqual({ error: { code: 'not_found', message: 'no such endpoint: GET /api/nothing-here/' } });
    const anonymous = await server().anonymous.get('/api/nothing-here/').expect(404);
    expect(anonymous.body.error.code).toBe('not_found');
    const socket = await server().anonymous.get('/ws/nothing/').expect(404);
    expect(socket.body.error.code).toBe('not_found');
    await server().anonymous.get('/api/health').expect(200);
    await server().anonymous.get('/api/me/').expect(401);
    const docs = await server().anonymous.get('/api/docs/').expect(200);
    expect(docs.text).toContain('swagger');
    const document = await server().anonymous.get('/api/openapi.json').expect(200);
    expect(document.body.openapi).toBe('3.1.0');
  });
});
