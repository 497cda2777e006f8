// Completes the generated OpenAPI document where route schemas say nothing: a description and an example for
// every response (examples are built from the schemas, so they cannot drift), and the WebSocket route, which
// @fastify/websocket hides, documented with its frames.
type Schema = Record<string, unknown>;
type Media = Record<string, { schema?: Schema; example?: unknown }>;
type Operation = { summary?: string; description?: string; requestBody?: { content?: Media }; responses?: Record<string, Response> };
type Response = { description?: string; content?: Media };
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const ERROR_ANSWERS: Record<string, { description: string; code: string; message: string; details?: object }> = {
  400: {
    description: 'Not valid: `error.details.errors` lists each field and what is wrong with it.',
    code: 'invalid',
    message: 'body.status: must be one of: open, pending, resolved',
    details: { errors: [{ field: 'body.status', message: 'must be one of: open, pending, resolved' }] },
  },
  401: { description: 'No valid token, session cookie or ticket.', code: 'unauthenticated', message: 'authentication required' },
  403: { description: 'The caller may not do this (most often: admins only).', code: 'forbidden', message: 'only admins may do this' },
  404: { description: 'No such object, or one the caller may not see.', code: 'not_found', message: 'chat 42 not found' },
  409: { description: 'Conflicts with the object’s current state; the message says how.', code: 'conflict', message: 'the message is not a failed outgoing message' },
  410: { description: 'No longer kept: reload the state through the REST API.', code: 'gone', message: 'events after seq 12 are no longer kept (or the epoch changed); reload' },
  413: { description: 'The body or the file is too large.', code: 'invalid', message: 'request body is too large' },
  429: {
    description: 'Too many attempts, or Telegram asked to wait: retry after the Retry-After header’s seconds.',
    code: 'rate_limited',
    message: 'too many failed logins; retry in 60 s',
  },
  503: {
    description:
      'Something Parley needs cannot be reached now: Telegram (`channel_unavailable`), or the database or Redis ' +
      '(`unavailable`, `details.service`); nothing was done. Retry after the Retry-After header’s seconds.',
    code: 'unavailable',
    message: 'the database is not reachable right now; try again in a few seconds',
    details: { service: 'database' },
  },
};

const SUCCESS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted: the work goes on in the background', 204: 'Done; no content' };

export function completeDocument(document: OpenApiDocument): OpenApiDocument {
  const { schemas } = document.components;
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        if (media.example === undefined && media.schema) media.example = exampleOf(media.schema, schemas, 0);
      }
      withOutageAnswer(operation);
      for (const [status, response] of Object.entries(operation.responses ?? {})) describe(status, response, schemas);
    }
  }
  return document;
}

/** Any route that answers errors can meet the database or Redis away (http/plugins/errors.ts): a 503. */
function withOutageAnswer(operation: Operation): void {
  const responses = operation.responses ?? {};
  const error = Object.values(responses).find((response) => {
    const schema = Object.values(response.content ?? {})[0]?.schema;
    return schema !== undefined && refName(schema) === 'Error';
  });
  if (error && !responses['503']) responses['503'] = { content: structuredClone(error.content) };
}

function describe(status: string, response: Response, schemas: Record<string, Schema>): void {
  const schema = Object.values(response.content ?? {})[0]?.schema;
  const error = schema && refName(schema) === 'Error' ? ERROR_ANSWERS[status] : undefined;
  const generic = !response.description || response.description === 'Default Response' || response.description === schemaDescription(response, schemas);
  if (generic) response.description = error?.description ?? successDescription(status, response);
  for (const media of Object.values(response.content ?? {})) {
    if (media.example !== undefined || !media.schema) continue;
    media.example = error
      ? { error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) } }
      : exampleOf(media.schema, schemas, 0);
  }
}

function successDescription(status: string, response: Response): string {
  const schema = Object.values(response.content ?? {})[0]?.schema;
  const lead = SUCCESS[status] ?? `HTTP ${status}`;
  if (!schema) return lead;
  const name = refName(schema);
  if (name) return `${lead}: the ${name}.`;
  const items = (schema.properties as Record<string, Schema> | undefined)?.results?.items as Schema | undefined;
  const itemName = items && refName(items);
  if (itemName && 'next' in (schema.properties as object)) return `${lead}: a page of ${itemName} objects; \`next\` is the cursor of the next page.`;
  if (itemName) return `${lead}: the ${itemName} objects.`;
  return (schema.description as string | undefined) ?? lead;
}

function schemaDescription(response: Response, schemas: Record<string, Schema>): string | undefined {
  const schema = Object.values(response.content ?? {})[0]?.schema;
  const name = schema && refName(schema);
  return name ? (schemas[name]?.description as string | undefined) : undefined;
}

function refName(schema: Schema): string | undefined {
  return typeof schema.$ref === 'string' ? schema.$ref.split('/').at(-1) : undefined;
}

/** Nullable fields shown as null: a typical object is not deleted, edited or in a failed state. */
const NULL_IN_EXAMPLES = new Set(['deleted_at', 'edited_at', 'status_reason', 'status_until', 'error', 'retry_at', 'password_hint']);

const EXAMPLE_STRINGS: Record<string, string> = {
  text: 'Здравствуйте! Заказ ещё актуален?',
  title: 'Иван Петров',
  username: 'anna',
  display_name: 'Anna',
  first_name: 'Иван',
  last_name: 'Петров',
  phone: '+447700900123',
  token: 'pt_3q2-7Yv9kXc',
  epoch: '3f9c1e',
  password: 'correct-horse-battery-staple',
  code: '12345',
  idempotency_key: 'reply-7f3a9c',
  mime_type: 'image/jpeg',
  file_name: 'photo.jpg',
  url: '/api/media/5/',
  cursor: 'WzE3MzYyMzQ1Njc4OTAsNDJd',
  next: 'WzE3MzYyMzQ1Njc4OTAsNDJd',
};

/** A plausible value for a schema: its own example or default, else the first enum value, else one built by type. */
function exampleOf(schema: Schema, schemas: Record<string, Schema>, depth: number, name = ''): unknown {
  if (depth > 8) return null;
  const name$ = refName(schema);
  if (name$) return exampleOf(schemas[name$] ?? {}, schemas, depth + 1, name);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key] as Schema[] | undefined;
    if (!branches) continue;
    const nullable = branches.find((b) => b.type === 'null');
    if (nullable && NULL_IN_EXAMPLES.has(name)) return null;
    return exampleOf(branches.find((b) => b !== nullable) ?? nullable ?? {}, schemas, depth + 1, name);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...(schema.allOf as Schema[]).map((part) => exampleOf(part, schemas, depth + 1, name)));
  }
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, exampleOf(value, schemas, depth + 1, key)]));
    }
    case 'array':
      return schema.items ? [exampleOf(schema.items as Schema, schemas, depth + 1, name)] : [];
    case 'integer':
    case 'number':
      return /(^|_)id$/.test(name) ? 42 : name === 'seq' ? 12 : typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return name !== 'is_blocked';
    case 'string':
      if (schema.format === 'date-time') return '2026-01-15T09:30:00.000Z';
      if (schema.format === 'binary') return '(the file’s bytes)';
      return exampleString(schema, name);
    case 'null':
      return null;
    default:
      return {};
  }
}

/** Strings that fit most of our patterns (decimal ids, usernames, hex keys), tried when the name-based one does not. */
const PATTERN_CANDIDATES = ['5123456789', 'me', 'anna', 'f'.repeat(32)];

function exampleString(schema: Schema, name: string): string {
  const preferred = EXAMPLE_STRINGS[name] ?? (/(^|_)id$/.test(name) ? '5123456789' : name || 'text');
  const fitting = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const value = fitting ? ([preferred, ...PATTERN_CANDIDATES].find((candidate) => fitting.test(candidate)) ?? preferred) : preferred;
  return value.padEnd(Number(schema.minLength ?? 0), '0');
}
