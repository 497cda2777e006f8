// The one API client: same-origin requests with the session cookie, the CSRF header on writes, and a signal
// when the session has ended so the app can return to the login page.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../api/schema';

const CSRF_COOKIE = 'parley_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An answer in the API's error shape `{error: {code, message}}`, or a failure to reach the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's `error.details`, e.g. `reason`: Telegram's own words for a refusal. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let onSessionEnded: () => void = () => {};
let sessionEnded = false;
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}
/** Whether the server refused a request because the session ended (not: nobody has signed in yet). */
export const sessionHasEnded = () => sessionEnded;

export function csrfToken(): string {
  const entry = document.cookie.split('; ').find((part) => part.startsWith(`${CSRF_COOKIE}=`));
  return entry ? decodeURIComponent(entry.slice(CSRF_COOKIE.length + 1)) : '';
}

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', csrfToken());
    return request;
  },
  onResponse({ request, response }) {
    const login = request.url.endsWith('/api/auth/login/');
    if (login && response.ok) sessionEnded = false;
    if (response.status === 401 && !login && !request.url.endsWith('/api/me/')) {
      sessionEnded = true;
      onSessionEnded();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(session);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer; otherwise throws an ApiError carrying the server's words. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (answer.response.ok) return answer.data as T;
  const body = answer.error as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  const { code = 'internal', message = answer.response.statusText, details = {} } = body?.error ?? {};
  throw new ApiError(answer.response.status, code, message, details);
}
