// A fake Telegram Bot API server for tests; see README.md in this folder.
export { FakeBotApi, startFakeBotApi } from './server.js';
export { FakeBot, type GroupOptions } from './bot.js';
export {
  ChatSender,
  Customer,
  Group,
  type AudioOptions,
  type CaptionOptions,
  type DocumentOptions,
  type EditedMessageUpdate,
  type MessageOptions,
  type MessageUpdate,
  type PhotoOptions,
  type Profile,
  type StickerOptions,
  type TextOptions,
  type VideoNoteOptions,
  type VideoOptions,
  type VoiceOptions,
} from './customer.js';
export type { CallPredicate } from './call-log.js';
export type { StoredFile, MediaMeta } from './files.js';
export type { FileSource } from './media.js';
export type * from './types.js';
export { DEFAULT_SETTINGS } from './types.js';
