// What Telegram promises about an update's fields, checked before we rely on it: a body that breaks the
// promise (no date, an id beyond 64 bits, text that is not a string) can never be stored, only skipped.
import type { Update } from 'grammy/types';

type Fields = Record<string, unknown>;

/** Why the update cannot be read, or null when the parts Parley uses have the promised shape. */
export function malformation(update: Update): string | null {
  const raw = update as unknown as Fields;
  if (raw.message !== undefined) return messageProblem(raw.message, 'message');
  if (raw.edited_message !== undefined) return messageProblem(raw.edited_message, 'edited_message');
  if (raw.my_chat_member !== undefined) return memberProblem(raw.my_chat_member);
  return null;
}

function messageProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} is not an object`;
  return (
    idProblem(value.message_id, `${path}.message_id`) ??
    timeProblem(value.date, `${path}.date`) ??
    chatProblem(value.chat, `${path}.chat`) ??
    (value.from === undefined ? null : userProblem(value.from, `${path}.from`)) ??
    optionalString(value.text, `${path}.text`) ??
    optionalString(value.caption, `${path}.caption`) ??
    (value.edit_date === undefined ? null : timeProblem(value.edit_date, `${path}.edit_date`)) ??
    (value.reply_to_message === undefined ? null : replyProblem(value.reply_to_message, `${path}.reply_to_message`))
  );
}

function memberProblem(value: unknown): string | null {
  if (!isObject(value)) return 'my_chat_member is not an object';
  if (!isObject(value.new_chat_member) || typeof value.new_chat_member.status !== 'string') {
    return 'my_chat_member.new_chat_member.status is missing';
  }
  return chatProblem(value.chat, 'my_chat_member.chat') ?? timeProblem(value.date, 'my_chat_member.date');
}

function chatProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} is missing`;
  if (typeof value.type !== 'string') return `${path}.type is missing`;
  return idProblem(value.id, `${path}.id`) ?? optionalString(value.title, `${path}.title`);
}

function userProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} is not an object`;
  if (typeof value.first_name !== 'string') return `${path}.first_name is not a string`;
  return idProblem(value.id, `${path}.id`) ?? optionalString(value.last_name, `${path}.last_name`) ?? optionalString(value.username, `${path}.username`);
}

function replyProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} is not an object`;
  return idProblem(value.message_id, `${path}.message_id`);
}

/** Telegram's ids have at most 52 significant bits: a safe integer in JavaScript. */
function idProblem(value: unknown, path: string): string | null {
  return Number.isSafeInteger(value) ? null : `${path} is not an id Telegram could send`;
}

function timeProblem(value: unknown, path: string): string | null {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? null : `${path} is not a Unix time`;
}

function optionalString(value: unknown, path: string): string | null {
  return value === undefined || typeof value === 'string' ? null : `${path} is not a string`;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
