// Names for the API's shapes, taken from the generated document types (schema.ts): never written by hand.
import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type Operator = Json<paths['/api/me/']['get']['responses'][200]>['operator'];
export type ChatPage = Json<paths['/api/chats/']['get']['responses'][200]>;
export type Chat = ChatPage['results'][number];
export type MessagePage = Json<paths['/api/messages/by_chat/']['get']['responses'][200]>;
export type Message = MessagePage['results'][number];
export type ChatListQuery = NonNullable<paths['/api/chats/']['get']['parameters']['query']>;

/** Frames of `/ws/messages/`; their `data` are the same Message and Chat objects the REST API answers. */
export type Frame =
  | { type: 'hello' | 'reset'; seq: number; epoch: string; data: { operator_id: number; resumed: boolean } }
  | { type: 'message.created' | 'message.updated'; seq: number; epoch: string; data: Message }
  | { type: 'chat.created' | 'chat.updated'; seq: number; epoch: string; data: Chat }
  | { type: 'chat.removed'; seq: number; epoch: string; data: { id: number } }
  | { type: 'account.updated'; seq: number; epoch: string; data: unknown };
