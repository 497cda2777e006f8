// Domain objects → the API's wire shapes (snake_case, ISO times). REST answers and WebSocket frames both
// use these, so a chat looks the same wherever a client meets it.
import type { Account } from '../domain/account.js';
import type { ChatView } from '../domain/chat.js';
import type { Contact } from '../domain/contact.js';
import type { LoginProgress } from '../domain/login.js';
import type { Media, Message } from '../domain/message.js';
import type { Operator } from '../domain/operator.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function presentOperator(operator: Operator) {
  return {
    id: operator.id,
    username: operator.username,
    display_name: operator.displayName,
    role: operator.role,
    max_active_chats: operator.maxActiveChats,
    is_active: operator.isActive,
    created_at: operator.createdAt.toISOString(),
    updated_at: operator.updatedAt.toISOString(),
    last_login_at: iso(operator.lastLoginAt),
  };
}

export function presentAccount(account: Account) {
  return {
    ...presentChatAccount(account),
    desired_state: account.desiredState,
    external_id: account.externalId,
    skipped_updates: account.skippedUpdates,
    history_import: account.historyImport,
    username: account.username,
    phone: account.phone,
    settings: account.settings,
    created_at: account.createdAt.toISOString(),
    updated_at: account.updatedAt.toISOString(),
  };
}

export function presentLogin(login: LoginProgress) {
  return {
    account_id: login.accountId,
    state: login.state,
    code_type: login.codeType,
    next_code_type: login.nextCodeType,
    timeout: login.timeoutSeconds,
    password_hint: login.passwordHint,
    qr_url: login.qrUrl,
    qr_expires_at: iso(login.qrExpiresAt),
    error: login.error,
  };
}

export function presentContact(contact: Contact) {
  return {
    id: contact.id,
    network: contact.network,
    external_id: contact.externalId,
    first_name: contact.firstName,
    last_name: contact.lastName,
    username: contact.username,
    phone: contact.phone,
  };
}

/** An account as embedded in its chats, and as operators who are not admins learn of its changes. */
export function presentChatAccount(account: ChatView['account']) {
  return {
    id: account.id,
    type: account.type,
    title: account.title,
    status: account.status,
    status_reason: account.statusReason,
    status_until: iso(account.statusUntil),
  };
}

export function presentChat(view: ChatView) {
  const { chat, account, contact, lastMessage } = view;
  return {
    id: chat.id,
    account: presentChatAccount(account),
    external_id: chat.externalId,
    type: chat.type,
    title: chat.title,
    status: chat.status,
    assignee_id: chat.assigneeId,
    unread_count: chat.unreadCount,
    is_blocked: chat.isBlocked,
    contact: contact && presentContact(contact),
    last_message: lastMessage && {
      id: lastMessage.id,
      direction: lastMessage.direction,
      kind: lastMessage.kind,
      text: lastMessage.text && lastMessage.text.slice(0, 200),
      sent_at: lastMessage.sentAt.toISOString(),
      status: lastMessage.status,
    },
    last_activity_at: chat.lastActivityAt.toISOString(),
    created_at: chat.createdAt.toISOString(),
    updated_at: chat.updatedAt.toISOString(),
    deleted_at: iso(chat.deletedAt),
  };
}

export function presentMedia(media: Media) {
  return {
    id: media.id,
    kind: media.kind,
    mime_type: media.mimeType,
    file_name: media.fileName,
    size: media.size,
    width: media.width,
    height: media.height,
    duration: media.duration,
    status: media.status,
    status_reason: media.statusReason,
    url: `/api/media/${media.id}/`,
  };
}

export function presentMessage(message: Message) {
  return {
    id: message.id,
    chat_id: message.chatId,
    external_id: message.externalId,
    direction: message.direction,
    sender_contact_id: message.senderContactId,
    sender_operator_id: message.senderOperatorId,
    kind: message.kind,
    text: message.text,
    entities: message.entities,
    reply_to_message_id: message.replyToMessageId,
    reply_to_external_id: message.replyToExternalId,
    forward: message.forward,
    payload: message.payload,
    status: message.status,
    status_reason: message.statusReason,
    idempotency_key: message.idempotencyKey,
    sent_at: message.sentAt.toISOString(),
    created_at: message.createdAt.toISOString(),
    edited_at: iso(message.editedAt),
    deleted_at: iso(message.deletedAt),
    read_at: iso(message.readAt),
    media: message.media.map(presentMedia),
  };
}
