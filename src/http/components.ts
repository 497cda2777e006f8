// The named schemas of the OpenAPI document (`components.schemas`). Each is registered once with Fastify
// (`addSchema`) and referenced by `$ref` wherever a route answers with it, so the document names it once
// and a client generated from the document gets one type per name (Message, Chat, …), not inline copies.
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';

const registry = new Map<string, TSchema>();

/** The schema under `name`: a `$ref` typed as the schema itself, so handlers stay type-checked. */
export function named<T extends TSchema>(name: string, schema: T): TUnsafe<Static<T>> {
  if (registry.has(name)) throw new Error(`schema ${name} is named twice`);
  registry.set(name, schema);
  return Type.Unsafe<Static<T>>({ $ref: `${name}#` });
}

/** Only for responses: request schemas are compiled by TypeBox, which does not resolve these references. */
export function registerComponents(app: FastifyInstance): void {
  for (const [name, schema] of registry) app.addSchema({ ...schema, $id: name, title: name });
}

/** For a server built without registerComponents (a worker's health server): the named schemas its routes use. */
export function ensureComponents(app: FastifyInstance, names: string[]): void {
  for (const name of names) {
    const schema = registry.get(name);
    if (schema && app.getSchema(name) === undefined) app.addSchema({ ...schema, $id: name, title: name });
  }
}

export function componentNames(): string[] {
  return [...registry.keys()];
}
