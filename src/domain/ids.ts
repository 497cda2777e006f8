// Branded ids: mixing an operator id with a chat id is a compile error.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type OperatorId = Brand<number, 'OperatorId'>;
export type TokenId = Brand<number, 'TokenId'>;
export type AccountId = Brand<number, 'AccountId'>;
export type ContactId = Brand<number, 'ContactId'>;
export type ChatId = Brand<number, 'ChatId'>;
export type MessageId = Brand<number, 'MessageId'>;
export type MediaId = Brand<number, 'MediaId'>;

/** A Telegram (or simulator) id: 64-bit, so a decimal string — no JS number holds all of them. */
export type ExternalId = Brand<string, 'ExternalId'>;

export function externalId(value: string | number | bigint): ExternalId {
  const text = String(value);
  if (!/^-?\d{1,19}$/.test(text)) throw new TypeError(`not a 64-bit integer id: ${text}`);
  return text as ExternalId;
}
