// The OpenAPI document is what the web app's typed client is generated from: it must be valid OpenAPI 3.1, name
// its objects once under components, describe and exemplify every operation and answer, and type the WebSocket.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Json } from './support/api.js';
import { useServer } from './support/server.js';

const NAMED = ['Account', 'Chat', 'Contact', 'Error', 'Login', 'LoginAnswer', 'Media', 'Message', 'Operator', 'SendAttempt', 'Settings'];
const FRAMES = ['HelloFrame', 'ResetFrame', 'MessageCreatedFrame', 'MessageUpdatedFrame', 'ChatCreatedFrame', 'ChatUpdatedFrame', 'ChatRemovedFrame', 'AccountUpdatedFrame'];
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

function operations(document: Json): { where: string; operation: Json }[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ where: `${method} ${path}`, operation: item[method] })),
  );
}

/** Every object schema inside `value`, wherever it sits. */
function objectSchemas(value: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(value)) value.forEach((item) => objectSchemas(item, found));
  else if (value && typeof value === 'object') {
    if ((value as Json).properties) found.push(value);
    Object.values(value).forEach((item) => objectSchemas(item, found));
  }
  return found;
}

describe('the OpenAPI document', () => {
  const server = useServer('sqlite');
  const document = async (): Promise<Json> => (await server().anonymous.get('/api/openapi.json').expect(200)).body;

  it('is valid OpenAPI 3.1', async () => {
    const doc = await document();
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('names the API’s objects under components and refers to them, never copying them inline', async () => {
    const doc = await document();
    const { schemas } = doc.components;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining([...NAMED, ...FRAMES, 'ServerFrame']));
    expect(Object.keys(schemas).filter((name) => name.startsWith('def-'))).toEqual([]);
    const chat = doc.paths['/api/chats/{id}/'].get.responses['200'].content['application/json'].schema;
    expect(chat).toEqual({ $ref: '#/components/schemas/Chat' });
    const page = doc.paths['/api/messages/'].get.responses['200'].content['application/json'].schema;
    expect(page.properties.results.items).toEqual({ $ref: '#/components/schemas/Message' });
    expect(schemas.Chat.properties.contact.anyOf).toContainEqual({ $ref: '#/components/schemas/Contact' });
    expect(doc.paths['/api/chats/{id}/'].get.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });

    const shapes = new Map(NAMED.map((name) => [Object.keys(schemas[name].properties).sort().join(','), name]));
    const answers = operations(doc).map(({ operation }) => operation.responses);
    for (const inline of objectSchemas(answers)) {
      const copied = shapes.get(Object.keys(inline.properties).sort().join(','));
      expect(copied, `an inline copy of ${copied}`).toBeUndefined();
    }
  });

  it('describes every operation, exemplifies its body, and describes and exemplifies every response', async () => {
    const doc = await document();
    const all = operations(doc);
    expect(all.length).toBeGreaterThan(45);
    for (const { where, operation } of all) {
      expect(operation.description?.length, `${where} has no description`).toBeGreaterThan(20);
      expect(operation.description, where).not.toBe(operation.summary);
      expect(Object.keys(operation.responses ?? {}).length, where).toBeGreaterThan(0);
      for (const media of Object.values((operation.requestBody?.content ?? {}) as Record<string, Json>)) {
        expect(media.example, `${where} has no request example`).toBeDefined();
      }
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        expect(response.description, `${where} ${status}`).toBeTruthy();
        expect(response.description, `${where} ${status}`).not.toBe('Default Response');
        for (const media of Object.values((response.content ?? {}) as Record<string, Json>)) {
          expect(media.example, `${where} ${status} has no example`).toBeDefined();
        }
      }
    }
  });

  it('gives examples that its own schemas accept', async () => {
    const doc = await document();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const refs = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
    let checked = 0;
    for (const { where, operation } of operations(doc)) {
      for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Record<string, Json>)) {
        const validate = ajv.compile(refs(media.schema) as object);
        expect(validate(media.example), `${where} ${type} body: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        const media = response.content?.['application/json'];
        if (!media?.schema) continue;
        const validate = ajv.compile(refs(media.schema) as object);
        expect(validate(media.example), `${where} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('documents the WebSocket: its parameters, every frame type, and how it closes', async () => {
    const doc = await document();
    const socket = doc.paths['/ws/messages/'].get;
    expect(socket.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['ticket', 'token', 'since', 'epoch']));
    expect(socket.description).toEqual(expect.stringContaining('1008'));
    expect(socket.description).toEqual(expect.stringContaining('reset'));
    expect(socket.responses['101'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ServerFrame' });
    const union = doc.components.schemas.ServerFrame.anyOf.map((branch: Json) => branch.$ref.split('/').at(-1));
    expect(union.sort()).toEqual([...FRAMES].sort());
    const types = FRAMES.map((name) => doc.components.schemas[name].properties.type.const ?? doc.components.schemas[name].properties.type.enum?.[0]);
    expect(types).toEqual(['hello', 'reset', 'message.created', 'message.updated', 'chat.created', 'chat.updated', 'chat.removed', 'account.updated']);
    const events = doc.paths['/api/events/'].get.responses['200'].content['application/json'].schema;
    expect(events.properties.results.items).toEqual({ $ref: '#/components/schemas/ServerFrame' });
  });
});
