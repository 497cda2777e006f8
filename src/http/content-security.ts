// Content-Security-Policy for everything Parley serves. The API and the web app share one strict policy (own
// origin only, no inline script); the API docs and stored media get their own, each allowing only what it needs.
import { createHash } from 'node:crypto';

type Directives = Record<string, string[]>;

/** Pages of the app (and JSON answers): scripts, styles, fetches and sockets from this origin only. */
export const APP_DIRECTIVES: Directives = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
};

/**
 * swagger-ui (/api/docs) loads its scripts and styles from its own path, fetches the OpenAPI document from this
 * origin and draws icons from data: URLs in its stylesheet (its validator badge, another host, is off by default).
 */
export const DOCS_POLICY = toHeader({ ...APP_DIRECTIVES, frameAncestors: ["'self'"] });

/** A stored file never runs as a page of this origin, even when a browser is told to open it. */
export const MEDIA_DIRECTIVES: Directives = { sandbox: [], defaultSrc: ["'none'"] };

/** The app's policy plus one inline stylesheet, allowed by its hash (for a page that has no other asset). */
export function withInlineStyle(css: string): Directives {
  const hash = createHash('sha256').update(css).digest('base64');
  return { ...APP_DIRECTIVES, styleSrc: ["'self'", `'sha256-${hash}'`] };
}

function toHeader(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), ...values].join(' '))
    .join('; ');
}
