// Shared pieces of route schemas. Bodies reject unknown properties; the TypeScript types come from here.
import { Type, type TProperties, type TSchema } from 'typebox';
import { named } from './components.js';
import { ERROR_CODES } from '../domain/errors.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, ROLES, USERNAME_PATTERN } from '../domain/operator.js';

/** A string from a fixed set, typed as the union of its values. */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description && { description }) });
}

/** A request body: unknown properties are a 400, not silently dropped. */
export function Body<T extends TProperties>(properties: T, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description && { description }) });
}

export const ErrorResponse = named(
  'Error',
  Type.Object(
    {
      error: Type.Object({
        code: StringEnum(ERROR_CODES),
        message: Type.String(),
        details: Type.Optional(Type.Object({}, { additionalProperties: true })),
      }),
    },
    { description: 'Every 4xx and 5xx answer has this shape.' },
  ),
);

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });

/** Every id in a path or query: a canonical decimal (`01`, `1.5`, `+1`, `0x1`, `1e0` are refused by plugins/validation.ts). */
export const idSchema = (description = 'an id: a decimal integer, no sign or leading zeros') =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });
export const Id = idSchema();

export const IdParams = Type.Object({ id: Id });

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'the `next` value of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    results: Type.Array(item),
    next: Nullable(Type.String({ description: 'cursor of the next page; null on the last page' })),
  });
}

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: USERNAME_PATTERN });
export const Password = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH });
export const DisplayName = Type.String({ minLength: 1, maxLength: 128 });
export const RoleSchema = StringEnum(ROLES);
export const MaxActiveChats = Nullable(Type.Integer({ minimum: 0, maximum: 10_000 }));

const operatorFields = {
  id: Type.Integer(),
  username: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  max_active_chats: MaxActiveChats,
  is_active: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  last_login_at: Nullable(Timestamp),
};
export const OperatorSchema = named('Operator', Type.Object(operatorFields));

export const ListedOperatorSchema = named(
  'ListedOperator',
  Type.Object(
    {
      ...operatorFields,
      active_chats: Type.Integer({ description: 'his load: open and pending chats assigned to him (what max_active_chats limits)' }),
    },
    { description: 'An operator as the admins’ list shows him, with his current load.' },
  ),
);

export const DirectoryEntrySchema = named(
  'OperatorDirectoryEntry',
  Type.Object(
    { id: Type.Integer(), display_name: Type.String(), is_active: Type.Boolean() },
    { description: 'A colleague as every operator may know him: his name, nothing about his login, role or load.' },
  ),
);

/** Error answers documented on every route. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorResponse]));
