// What a browser is allowed to do with Parley's answers: which origins may call the API and with which methods,
// what the API's pages may load, and that a stored file never runs as a page of Parley's origin.
import { describe, expect, it } from 'vitest';
import type { Json } from './support/api.js';
import { postForm } from './support/bot.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { useServer } from './support/server.js';

/** A CSP header as a map of directive → values. */
function policy(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

describe('a browser on another origin', () => {
  const server = useServer('sqlite', { env: { CORS_ORIGINS: 'https://crm.example.com' } });

  it('may send every method the API uses after a real preflight, with the CSRF header', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      const preflight = await fetch(`${server().url}/api/chats/1/`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://crm.example.com',
          'access-control-request-method': method,
          'access-control-request-headers': 'content-type, x-csrf-token',
        },
      });
      await preflight.arrayBuffer();
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-methods')?.split(/,\s*/)).toContain(method);
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-csrf-token');
    }
    const other = await fetch(`${server().url}/api/chats/1/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'DELETE' },
    });
    await other.arrayBuffer();
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('content security policy', () => {
  const server = useServer('sqlite');

  it('API answers and the start page carry a strict policy: own origin only, no inline script', async () => {
    for (const path of ['/api/health', '/api/me/', '/api/nothing-here', '/']) {
      const answer = await fetch(`${server().url}${path}`);
      await answer.arrayBuffer();
      const csp = policy(answer.headers.get('content-security-policy'));
      expect(csp.get('default-src'), path).toEqual(["'self'"]);
      expect(csp.get('script-src'), path).toEqual(["'self'"]);
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
    }
    const page = await fetch(`${server().url}/`);
    const html = await page.text();
    const css = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    const hash = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
    expect(policy(page.headers.get('content-security-policy')).get('style-src')).toEqual(["'self'", hash]);
  });

  it('/api/docs keeps working: every asset it loads is on its own path and allowed, and nothing else is', async () => {
    const docs = await fetch(`${server().url}/api/docs/`);
    expect(docs.status).toBe(200);
    const csp = policy(docs.headers.get('content-security-policy'));
    for (const [name, values] of csp) {
      for (const value of values) expect(["'self'", "'none'", 'data:', 'blob:'], `${name} ${value}`).toContain(value);
    }
    expect(csp.get('script-src')).toEqual(["'self'"]);
    const html = await docs.text();
    expect(html).not.toMatch(/<script>|<script[^>]*>[^<\s]/); // no inline script
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      const url = new URL(asset, `${server().url}/api/docs/`);
      expect(url.origin).toBe(server().url);
      const loaded = await fetch(url);
      await loaded.arrayBuffer();
      expect(loaded.status, asset).toBe(200);
    }
    const initializer = await (await fetch(`${server().url}/api/docs/static/swagger-initializer.js`)).text();
    expect(initializer).toContain('validatorUrl: null');
    const document = await fetch(`${server().url}/api/docs/json`);
    expect(((await document.json()) as Json).openapi).toBe('3.1.0');
  });
});

describe('stored files', () => {
  const server = useServer('sqlite');

  it('open inline only when passive; HTML and SVG download as attachments; every answer is sandboxed', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const { chat } = await customerWrites(admin, account.id, newCustomer(), 'Пришлите файл');
    const files = [
      { name: 'steal.html', type: 'text/html', inline: false },
      { name: 'logo.svg', type: 'image/svg+xml', inline: false },
      { name: 'page.xhtml', type: 'application/xhtml+xml; charset=utf-8', inline: false },
      { name: 'script.js', type: 'text/javascript', inline: false },
      { name: 'photo.png', type: 'image/png', inline: true },
      { name: 'счёт.pdf', type: 'application/pdf', inline: true },
      { name: 'voice.ogg', type: 'audio/ogg', inline: true },
      { name: 'clip.mp4', type: 'video/mp4', inline: true },
    ];
    for (const file of files) {
      const bytes = Buffer.from(`<html><script>fetch('/api/me/')</script></html> ${file.name}`);
      const sent = await postForm(admin, `/api/chats/${chat.id}/messages/`, { text: '' }, { name: file.name, type: file.type, bytes });
      expect(sent.status, file.name).toBe(202);
      const served = await fetch(`${server().url}${sent.body.media[0].url}`, { headers: { authorization: `Token ${admin.token}` } });
      expect(served.status).toBe(200);
      const disposition = served.headers.get('content-disposition') ?? '';
      expect(disposition.split(';')[0], file.name).toBe(file.inline ? 'inline' : 'attachment');
      expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(file.name)}`);
      expect(served.headers.get('content-type')).toBe(file.type.split(';')[0]);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = policy(served.headers.get('content-security-policy'));
      expect(csp.get('sandbox'), file.name).toEqual([]);
      expect(csp.get('default-src'), file.name).toEqual(["'none'"]);
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const missing = await fetch(`${server().url}/api/media/99999999/`, { headers: { authorization: `Token ${admin.token}` } });
    expect(((await missing.json()) as Json).error.code).toBe('not_found');
    expect(policy(missing.headers.get('content-security-policy')).get('sandbox')).toEqual([]);
  });
});
