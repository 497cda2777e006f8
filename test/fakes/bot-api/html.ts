// parse_mode "HTML" as the Bot API reads it: the tags it supports become entities (UTF-16 offsets).
import type { MessageEntity } from '@grammyjs/types';
import { type TelegramError, badRequest } from './errors.js';

/** An entity before its span is known; distributes over the union so `url`, `language`... stay. */
type EntityStart = MessageEntity extends infer E
  ? E extends MessageEntity
    ? Omit<E, 'offset' | 'length'>
    : never
  : never;

interface OpenTag {
  tag: string;
  offset: number;
  entity: EntityStart | undefined;
}

const ALIASES: Readonly<Record<string, MessageEntity.CommonMessageEntity['type'] | 'pre'>> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler', code: 'code',
  pre: 'pre', blockquote: 'blockquote',
};

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export function parseHtml(source: string): { text: string; entities: MessageEntity[] } {
  let text = '';
  const open: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source.charAt(i);
    if (char === '&') {
      const [decoded, length] = decodeEntity(source, i);
      text += decoded;
      i += length;
    } else if (char === '<') {
      const end = source.indexOf('>', i);
      if (end < 0) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(source, i)}`);
      const body = source.slice(i + 1, end).trim();
      if (body.startsWith('/')) closeTag(body.slice(1).trim().toLowerCase(), open, entities, text.length, source, i);
      else open.push(openTag(body, text.length, open, source, i));
      i = end + 1;
    } else {
      text += char;
      i++;
    }
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function openTag(body: string, offset: number, open: OpenTag[], source: string, at: number): OpenTag {
  const tag = (/^[A-Za-z-]+/.exec(body)?.[0] ?? '').toLowerCase();
  const attributes = readAttributes(body.slice(tag.length));
  if (tag === 'a') return { tag, offset, entity: { type: 'text_link', url: attributes.get('href') ?? '' } };
  if (tag === 'span' && attributes.get('class') === 'tg-spoiler') return { tag, offset, entity: { type: 'spoiler' } };
  if (tag === 'tg-emoji') {
    return { tag, offset, entity: { type: 'custom_emoji', custom_emoji_id: attributes.get('emoji-id') ?? '' } };
  }
  if (tag === 'blockquote' && attributes.has('expandable')) {
    return { tag, offset, entity: { type: 'expandable_blockquote' } };
  }
  const language = /^language-(.+)$/.exec(attributes.get('class') ?? '')?.[1];
  const parent = open.at(-1);
  if (tag === 'code' && language !== undefined && parent?.entity?.type === 'pre' && parent.offset === offset) {
    parent.entity = { type: 'pre', language };
    return { tag, offset, entity: undefined };
  }
  const type = ALIASES[tag];
  if (type === undefined) throw cantParse(`Unsupported start tag "${tag}" at byte offset ${byteOffset(source, at)}`);
  return { tag, offset, entity: { type } };
}

function closeTag(
  tag: string,
  open: OpenTag[],
  entities: MessageEntity[],
  end: number,
  source: string,
  at: number,
): void {
  const top = open.pop();
  if (top === undefined || top.tag !== tag) {
    const expected = top === undefined ? '' : `, expected "</${top.tag}>"`;
    throw cantParse(`Unmatched end tag at byte offset ${byteOffset(source, at)}${expected}, found "</${tag}>"`);
  }
  if (top.entity !== undefined && end > top.offset) {
    entities.push({ ...top.entity, offset: top.offset, length: end - top.offset });
  }
}

function readAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const [, name = '', double, single, bare] = match;
    attributes.set(name.toLowerCase(), decodeAll(double ?? single ?? bare ?? ''));
  }
  return attributes;
}

/** Only the four named entities and numeric ones are decoded; anything else stays literal. */
function decodeEntity(source: string, at: number): [string, number] {
  const match = /^&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/i.exec(source.slice(at, at + 12));
  const name = match?.[1];
  if (match === null || name === undefined) return ['&', 1];
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return [String.fromCodePoint(code), match[0].length];
  }
  const named = NAMED_ENTITIES[name.toLowerCase()];
  return named === undefined ? ['&', 1] : [named, match[0].length];
}

function decodeAll(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; ) {
    const [decoded, length] = value.charAt(i) === '&' ? decodeEntity(value, i) : [value.charAt(i), 1];
    out += decoded;
    i += length;
  }
  return out;
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index));
}

const cantParse = (detail: string): TelegramError => badRequest(`can't parse entities: ${detail}`);
