import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import { Invalid } from '../../domain/errors.js';
import type { ChatId, MessageId } from '../../domain/ids.js';
import { MAX_TEXT_LENGTH } from '../../domain/message.js';
import { presentMessage } from '../../wire/present.js';
import { actorOf } from '../plugins/auth.js';
import { Body, errorResponses, Id, idSchema, IdParams, Page, PageQuery } from '../schemas.js';
import type { App } from '../types.js';
import { jsonOrForm, Uploads } from '../uploads.js';
import { MessageSchema, SendAttemptSchema } from '../wire-schemas.js';

const tags = ['messages'];
const Text = Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH });
const IdempotencyKey = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[\\w.:-]+$',
  description: 'repeat a request with the same key and the message is sent once; a different body under it is 409',
});
const sendDescription =
  'Answers 202 with the message in status `pending` at once; it is delivered through the chat’s own account ' +
  'and its status becomes `sent` (with `external_id`) or `failed` (with `status_reason`), pushed over the WebSocket. ' +
  'To send a file, post `multipart/form-data` instead of JSON: the same fields, `text` being the caption (up to 1024 ' +
  'characters, may be empty), and one `file` part (up to 50 MB). Its type decides the kind: JPEG/PNG/WebP images up to ' +
  '10 MB go as a photo, audio/ogg as a voice message, video/* as a video, other audio/* as an audio track, anything else ' +
  'as a document. The file is in the message’s `media`, downloadable at its `url`.';
const Caption = Type.String({ maxLength: MAX_TEXT_LENGTH, description: 'the caption of the file; may be empty' });
type SendBody = { text?: string; idempotency_key?: string; reply_to_message_id?: number };

export function messageRoutes(app: App, parley: Parley): void {
  const uploads = new Uploads(parley.blobs);

  app.get(
    '/api/messages/',
    {
      schema: {
        tags,
        summary: 'Messages the caller may see, newest first',
        description: 'Across the chats the caller may see; `chat` (or `chat_id`) narrows to one chat (404 if he may not see it), `q` searches the text.',
        querystring: Type.Object({
          ...PageQuery,
          chat: Type.Optional(Id),
          chat_id: Type.Optional(idSchema('the same as `chat` (the name by_chat uses)')),
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        response: { 200: Page(MessageSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { cursor, limit = 50, q } = request.query;
      const chat = request.query.chat ?? request.query.chat_id;
      if (request.query.chat_id !== undefined && chat !== request.query.chat_id) {
        throw new Invalid('querystring.chat_id: names another chat than `chat`; pass one of them', { field: 'querystring.chat_id' });
      }
      const page = await parley.messages.list(
        actorOf(request),
        { ...(chat !== undefined && { chatId: chat as ChatId }), ...(q !== undefined && { q }) },
        { limit, ...(cursor !== undefined && { cursor }) },
      );
      return { results: page.results.map(presentMessage), next: page.next };
    },
  );

  app.get(
    '/api/messages/by_chat/',
    {
      schema: {
        tags,
        summary: 'A conversation, paging backwards from the newest message',
        description: 'The messages of one chat, newest first; pass `next` back as `cursor` for older ones. 404 for a chat the caller may not see.',
        querystring: Type.Object({ ...PageQuery, chat_id: Id }),
        response: { 200: Page(MessageSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { cursor, limit = 50, chat_id } = request.query;
      const page = await parley.messages.list(actorOf(request), { chatId: chat_id as ChatId }, { limit, ...(cursor !== undefined && { cursor }) });
      return { results: page.results.map(presentMessage), next: page.next };
    },
  );

  app.get(
    '/api/messages/:id/',
    {
      schema: {
        tags,
        summary: 'Get a message',
        description: 'With its media and, for outgoing messages, its delivery status. 404 when its chat is not visible to the caller.',
        params: IdParams,
        response: { 200: MessageSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => presentMessage(await parley.messages.get(actorOf(request), request.params.id as MessageId)),
  );

  app.post(
    '/api/messages/:id/reply/',
    {
      schema: {
        tags,
        summary: 'Reply to a message, quoting it',
        description: sendDescription,
        params: IdParams,
        body: jsonOrForm(Body({ text: Text, idempotency_key: Type.Optional(IdempotencyKey) }), {
          text: Type.Optional(Caption),
          idempotency_key: Type.Optional(IdempotencyKey),
        }),
        response: { 200: MessageSchema, 202: MessageSchema, ...errorResponses(400, 401, 404, 409, 413) },
      },
      preValidation: uploads.read,
      onSend: uploads.cleanup,
    },
    async (request, reply) => {
      const { text = '', idempotency_key } = request.body as SendBody;
      const attachment = uploads.of(request);
      const result = await parley.messages.reply(actorOf(request), request.params.id as MessageId, {
        text,
        ...(idempotency_key !== undefined && { idempotencyKey: idempotency_key }),
        ...(attachment && { attachment }),
      });
      return reply.code(result.created ? 202 : 200).send(presentMessage(result.message));
    },
  );

  app.post(
    '/api/chats/:id/messages/',
    {
      schema: {
        tags,
        summary: 'Send a message into a chat',
        description: sendDescription,
        params: IdParams,
        body: jsonOrForm(
          Body({
            text: Text,
            idempotency_key: Type.Optional(IdempotencyKey),
            reply_to_message_id: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
          {
            text: Type.Optional(Caption),
            idempotency_key: Type.Optional(IdempotencyKey),
            reply_to_message_id: Type.Optional(Type.Integer({ minimum: 1 })),
          },
        ),
        response: { 200: MessageSchema, 202: MessageSchema, ...errorResponses(400, 401, 404, 409, 413) },
      },
      preValidation: uploads.read,
      onSend: uploads.cleanup,
    },
    async (request, reply) => {
      const { text = '', idempotency_key, reply_to_message_id } = request.body as SendBody;
      const attachment = uploads.of(request);
      const result = await parley.messages.send(actorOf(request), request.params.id as ChatId, {
        text,
        ...(idempotency_key !== undefined && { idempotencyKey: idempotency_key }),
        ...(reply_to_message_id !== undefined && { replyToMessageId: reply_to_message_id as MessageId }),
        ...(attachment && { attachment }),
      });
      return reply.code(result.created ? 202 : 200).send(presentMessage(result.message));
    },
  );

  app.post(
    '/api/messages/:id/retry/',
    {
      schema: {
        tags,
        summary: 'Send a failed message again',
        description: '409 unless the message is outgoing and failed.',
        params: IdParams,
        response: { 202: MessageSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(202).send(presentMessage(await parley.messages.retry(actorOf(request), request.params.id as MessageId))),
  );

  app.get(
    '/api/messages/:id/attempts/',
    {
      schema: {
        tags,
        summary: 'Delivery attempts of an outgoing message',
        description: 'Each try to hand the message to Telegram, oldest first, with the error and when the next try is due; empty for incoming messages.',
        params: IdParams,
        response: { 200: Type.Object({ results: Type.Array(SendAttemptSchema) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const attempts = await parley.messages.attempts(actorOf(request), request.params.id as MessageId);
      return {
        results: attempts.map((a) => ({
          attempt: a.attempt,
          status: a.status,
          error: a.error,
          retry_at: a.retryAt?.toISOString() ?? null,
          at: a.at.toISOString(),
        })),
      };
    },
  );
}
