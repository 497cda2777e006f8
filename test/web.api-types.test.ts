// The web app's API types are generated from the OpenAPI document; a stale copy fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../web/scripts/api-types.js';

describe('web/src/api/schema.ts', () => {
  it('matches a fresh generation from the server’s OpenAPI document (run `npm run api:types` when it does not)', async () => {
    const fresh = await generateApiTypes();
    expect(fresh.includes('"/api/chats/"'), 'the document lists the chats endpoint').toBe(true);
    expect(readFileSync(API_TYPES_FILE, 'utf8') === fresh, 'web/src/api/schema.ts is stale: run `npm run api:types`').toBe(true);
  }, 120_000);
});
