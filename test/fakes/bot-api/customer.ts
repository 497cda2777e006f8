// Playing the people who write to a bot: each builder queues the update Telegram would send.
import type {
  Chat,
  ChatMember,
  Contact,
  Location,
  Message,
  MessageEntity,
  MessageOrigin,
  ReactionTypeEmoji,
  Update,
  User,
} from '@grammyjs/types';
import type { BotState } from './bot-state.js';
import {
  type FileSource,
  sourceBytes,
  storePhoto,
  toAnimation,
  toAudio,
  toDocument,
  toSticker,
  toVideo,
  toVideoNote,
  toVoice,
} from './media.js';
import { now } from './clock.js';
import type { SenderChat, UpdateOf } from './types.js';

export type Profile = Omit<User, 'is_bot'>;

export interface MessageOptions {
  /** Id of a message in the same chat. */
  reply_to_message?: number;
  forward_origin?: MessageOrigin;
  /** Unix time; defaults to now. */
  date?: number;
}

export interface CaptionOptions {
  caption?: string;
  caption_entities?: MessageEntity[];
}

type FileOptions = MessageOptions & FileSource;
type NamedFile = { file_name?: string; mime_type?: string };

export type TextOptions = MessageOptions & { entities?: MessageEntity[] };
export type PhotoOptions = FileOptions &
  CaptionOptions & { width?: number; height?: number; has_media_spoiler?: true };
export type DocumentOptions = FileOptions & CaptionOptions & NamedFile;
export type VideoOptions = DocumentOptions & { width?: number; height?: number; duration?: number };
export type AudioOptions = DocumentOptions & { duration?: number; performer?: string; title?: string };
export type VoiceOptions = FileOptions & CaptionOptions & { duration?: number; mime_type?: string };
export type VideoNoteOptions = FileOptions & { duration?: number; length?: number };
export type StickerOptions = FileOptions & { emoji?: string; set_name?: string };

/** The update a builder queued, typed by what it put in the message (`.message.photo` is there). */
export type MessageUpdate<C> = { update_id: number; message: Message & Update.NonChannel & C };
export type EditedMessageUpdate<C> = {
  update_id: number;
  edited_message: Message & Update.Edited & Update.NonChannel & C;
};

/** Someone writing in a chat the bot is in: a customer in private, a member of a group. */
export class ChatSender {
  private readonly reactions = new Map<number, ReactionTypeEmoji[]>();

  constructor(
    protected readonly state: BotState,
    readonly user: User,
    readonly chat: SenderChat,
  ) {}

  sendText(text: string, options: TextOptions = {}): MessageUpdate<{ text: string }> {
    const { entities } = options;
    return this.send({ text, ...(entities === undefined ? {} : { entities }) }, options);
  }

  /** Several sizes, smallest first; the largest holds `bytes`. */
  sendPhoto(options: PhotoOptions = {}): MessageUpdate<Pick<Message.PhotoMessage, 'photo'>> {
    const { width = 1280, height = 960, has_media_spoiler } = options;
    const photo = storePhoto(this.state.files, sourceBytes(options, 50_000), width, height);
    return this.send({ photo, ...captionOf(options), ...(has_media_spoiler ? { has_media_spoiler } : {}) }, options);
  }

  sendDocument(options: DocumentOptions = {}): MessageUpdate<Pick<Message.DocumentMessage, 'document'>> {
    const { file_name = 'document.pdf', mime_type = 'application/pdf' } = options;
    const file = this.state.files.add('document', sourceBytes(options, 10_000), { file_name, mime_type });
    return this.send({ document: toDocument(file), ...captionOf(options) }, options);
  }

  sendVideo(options: VideoOptions = {}): MessageUpdate<Pick<Message.VideoMessage, 'video'>> {
    const { file_name = 'video.mp4', mime_type = 'video/mp4', width, height, duration } = options;
    const meta = { file_name, mime_type, ...defined({ width, height, duration }) };
    const file = this.state.files.add('video', sourceBytes(options, 200_000), meta);
    return this.send({ video: toVideo(file), ...captionOf(options) }, options);
  }

  /** Real Telegram sends an animation with a `document` field describing the same file. */
  sendAnimation(options: VideoOptions = {}): MessageUpdate<Pick<Message.AnimationMessage, 'animation' | 'document'>> {
    const { file_name = 'animation.mp4', mime_type = 'video/mp4', width, height, duration } = options;
    const meta = { file_name, mime_type, ...defined({ width, height, duration }) };
    const file = this.state.files.add('animation', sourceBytes(options, 50_000), meta);
    return this.send({ animation: toAnimation(file), document: toDocument(file), ...captionOf(options) }, options);
  }

  sendVoice(options: VoiceOptions = {}): MessageUpdate<Pick<Message.VoiceMessage, 'voice'>> {
    const { mime_type = 'audio/ogg', duration } = options;
    const file = this.state.files.add('voice', sourceBytes(options, 8_000), { mime_type, ...defined({ duration }) });
    return this.send({ voice: toVoice(file), ...captionOf(options) }, options);
  }

  sendAudio(options: AudioOptions = {}): MessageUpdate<Pick<Message.AudioMessage, 'audio'>> {
    const { file_name = 'audio.mp3', mime_type = 'audio/mpeg', duration, performer, title } = options;
    const meta = { file_name, mime_type, ...defined({ duration, performer, title }) };
    const file = this.state.files.add('audio', sourceBytes(options, 100_000), meta);
    return this.send({ audio: toAudio(file), ...captionOf(options) }, options);
  }

  /** Video notes and stickers take no caption on Telegram. */
  sendVideoNote(options: VideoNoteOptions = {}): MessageUpdate<Pick<Message.VideoNoteMessage, 'video_note'>> {
    const meta = defined({ duration: options.duration, length: options.length });
    const file = this.state.files.add('video_note', sourceBytes(options, 100_000), meta);
    return this.send({ video_note: toVideoNote(file) }, options);
  }

  sendSticker(options: StickerOptions = {}): MessageUpdate<Pick<Message.StickerMessage, 'sticker'>> {
    const meta = { mime_type: 'image/webp', ...defined({ emoji: options.emoji ?? '👍', set_name: options.set_name }) };
    const file = this.state.files.add('sticker', sourceBytes(options, 20_000), meta);
    return this.send({ sticker: toSticker(file) }, options);
  }

  sendLocation(location: Location, options: MessageOptions = {}): MessageUpdate<{ location: Location }> {
    return this.send({ location }, options);
  }

  sendContact(contact: Contact, options: MessageOptions = {}): MessageUpdate<{ contact: Contact }> {
    return this.send({ contact }, options);
  }

  editText(messageId: number, text: string, entities?: MessageEntity[]): EditedMessageUpdate<{ text: string }> {
    return this.edit(messageId, { text, entities });
  }

  editCaption(
    messageId: number,
    caption: string,
    caption_entities?: MessageEntity[],
  ): EditedMessageUpdate<{ caption: string }> {
    return this.edit(messageId, { caption, caption_entities });
  }

  /** Bots get it only when allowed_updates names message_reaction, as on Telegram. */
  react(messageId: number, emojis: ReactionTypeEmoji['emoji'][]): UpdateOf<'message_reaction'> {
    const new_reaction = emojis.map((emoji): ReactionTypeEmoji => ({ type: 'emoji', emoji }));
    const old_reaction = this.reactions.get(messageId) ?? [];
    this.reactions.set(messageId, new_reaction);
    const { chat, user } = this;
    return this.state.pushUpdate({
      message_reaction: { chat, message_id: messageId, user, date: now(), old_reaction, new_reaction },
    });
  }

  protected send<C extends object>(content: C, options: MessageOptions): MessageUpdate<C> {
    const message = { ...this.frame(options), ...content };
    return this.state.pushUpdate({ message });
  }

  private frame(options: MessageOptions): Message & Update.NonChannel {
    const message: Message & Update.NonChannel = {
      message_id: this.state.chats.nextMessageId(this.chat.id),
      from: this.user,
      chat: this.chat,
      date: options.date ?? now(),
    };
    if (options.forward_origin !== undefined) message.forward_origin = options.forward_origin;
    if (options.reply_to_message !== undefined) {
      message.reply_to_message = { ...this.chatMessage(options.reply_to_message), reply_to_message: undefined };
    }
    return message;
  }

  private edit<C extends object>(messageId: number, change: C): EditedMessageUpdate<C> {
    const current = this.chatMessage(messageId);
    if (current.from?.id !== this.user.id) throw new Error(`Message ${messageId} was not sent by ${this.user.id}`);
    const edited_message = { ...current, from: this.user, chat: this.chat, edit_date: now(), ...change };
    return this.state.pushUpdate({ edited_message });
  }

  private chatMessage(messageId: number): Message {
    const message = this.state.chats.message(this.chat.id, messageId);
    if (message === undefined) throw new Error(`No message ${messageId} in chat ${this.chat.id}`);
    return message;
  }
}

/** A user in a private chat with the bot. */
export class Customer extends ChatSender {
  constructor(state: BotState, profile: Profile) {
    const user: User = { ...profile, is_bot: false };
    const chat: Chat.PrivateChat = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    super(state, user, chat);
    state.chats.register(chat);
  }

  /** From now on the bot's sends to this customer answer 403, as on Telegram. */
  blockBot(): UpdateOf<'my_chat_member'> {
    return this.changeBotStatus('member', 'kicked');
  }

  unblockBot(): UpdateOf<'my_chat_member'> {
    return this.changeBotStatus('kicked', 'member');
  }

  private changeBotStatus(from: 'member' | 'kicked', to: 'member' | 'kicked'): UpdateOf<'my_chat_member'> {
    const bot = this.state.user;
    const member = (status: 'member' | 'kicked'): ChatMember =>
      status === 'kicked' ? { status, user: bot, until_date: 0 } : { status, user: bot };
    return this.state.pushUpdate({
      my_chat_member: {
        chat: this.chat,
        from: this.user,
        date: now(),
        old_chat_member: member(from),
        new_chat_member: member(to),
      },
    });
  }
}

export class Group {
  constructor(
    private readonly state: BotState,
    readonly chat: Chat.GroupChat | Chat.SupergroupChat,
  ) {
    state.chats.register(chat);
  }

  member(profile: Profile): ChatSender {
    return new ChatSender(this.state, { ...profile, is_bot: false }, this.chat);
  }
}

function captionOf(options: CaptionOptions): CaptionOptions {
  return defined({ caption: options.caption, caption_entities: options.caption_entities });
}

/** Drops undefined fields, so the JSON carries only what Telegram would send. */
function defined<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
