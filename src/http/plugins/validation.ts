// How requests are validated: TypeBox schemas, plus two rules Fastify's defaults lack. Integers in paths and
// query strings must be written canonically (`1.5`, `+1`, `0x1`, `1e0`, `01` would otherwise all be 1), and
// query parameters a route does not declare are refused instead of silently ignored.
import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { Invalid } from '../../domain/errors.js';
import { DOCS_PATH } from './openapi.js';

const CANONICAL_INTEGER = /^(0|-?[1-9]\d*)$/;
const NOT_CANONICAL = 'must be a decimal integer without sign, leading zeros, fraction or exponent';

/** A path segment or query value as an id, or undefined unless written canonically (for hooks that run before validation). */
export function canonicalId(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !CANONICAL_INTEGER.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id >= 1 ? id : undefined;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  const fromUrl = httpPart === 'querystring' || httpPart === 'params';
  const integers = fromUrl ? integerProperties(schema) : [];
  return (value) => {
    const issues = uncanonical((value ?? {}) as Record<string, unknown>, integers);
    if (issues.length > 0) return { error: issues };
    const converted = fromUrl ? Value.Convert(schema, value) : value;
    if (check.Check(converted)) return { value: converted };
    return { error: check.Errors(converted) as FastifySchemaValidationError[] };
  };
};

/**
 * Query parameters a route does not declare are a 400 naming them, checked before the body is read or
 * validated (a misspelt filter must not pass unnoticed, e.g. `?chat_idd=` returning every message).
 */
export function refuseUnknownQueryParameters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    const ours = path.startsWith('/api/') || path.startsWith('/ws/');
    if (!ours || request.is404 || path.startsWith(DOCS_PATH)) return;
    const known = Object.keys(propertiesOf((request.routeOptions.schema?.querystring ?? {}) as TSchema));
    const unknown = Object.keys((request.query ?? {}) as object).filter((name) => !known.includes(name));
    if (unknown.length > 0) throw unknownParameters(request, unknown, known);
  });
}

function unknownParameters(request: FastifyRequest, unknown: string[], known: string[]): Invalid {
  const accepted = known.length > 0 ? `accepted: ${known.join(', ')}` : `${request.routeOptions.url ?? 'this endpoint'} takes none`;
  const errors = unknown.map((name) => ({ field: `querystring.${name}`, message: `is not a known query parameter (${accepted})` }));
  return new Invalid(errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

function uncanonical(values: Record<string, unknown>, names: string[]): FastifySchemaValidationError[] {
  return names
    .filter((name) => values[name] !== undefined && !CANONICAL_INTEGER.test(String(values[name])))
    .map((name) => issue(`/${name}`, 'canonicalInteger', NOT_CANONICAL));
}

function issue(instancePath: string, keyword: string, message: string): FastifySchemaValidationError {
  return { keyword, instancePath, schemaPath: '#', params: {}, message };
}

function propertiesOf(schema: TSchema): Record<string, TSchema> {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  return properties ?? {};
}

function integerProperties(schema: TSchema): string[] {
  return Object.entries(propertiesOf(schema))
    .filter(([, property]) => isInteger(property))
    .map(([name]) => name);
}

function isInteger(schema: TSchema): boolean {
  const { type, anyOf } = schema as { type?: unknown; anyOf?: TSchema[] };
  return type === 'integer' || (Array.isArray(anyOf) && anyOf.some(isInteger));
}
