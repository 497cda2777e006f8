// Names for the API's shapes, taken from the generated document types (schema.ts): never written by hand.
import type { components, paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type Operator = Json<paths['/api/me/']['get']['responses'][200]>['operator'];
export type ChatPage = Json<paths['/api/chats/']['get']['responses'][200]>;
export type Chat = ChatPage['results'][number];
/** A chat's source as every operator may know it (admins' account.updated frames carry the whole Account). */
export type ChatAccount = Chat['account'];
export type MessagePage = Json<paths['/api/messages/by_chat/']['get']['responses'][200]>;
export type Message = MessagePage['results'][number];
export type ChatListQuery = NonNullable<paths['/api/chats/']['get']['parameters']['query']>;

/** Frames of `/ws/messages/` (the document's ServerFrame union); their `data` are the REST API's objects. */
export type Frame = components['schemas']['ServerFrame'];

export type AccountPage = Json<paths['/api/accounts/']['get']['responses'][200]>;
export type Account = AccountPage['results'][number];
export type NewAccount = NonNullable<paths['/api/accounts/']['post']['requestBody']>['content']['application/json'];
export type AccountChanges = NonNullable<paths['/api/accounts/{id}/']['patch']['requestBody']>['content']['application/json'];
export type OperatorPage = Json<paths['/api/operators/']['get']['responses'][200]>;
export type ListedOperator = OperatorPage['results'][number];
export type NewOperator = NonNullable<paths['/api/operators/']['post']['requestBody']>['content']['application/json'];
export type OperatorChanges = NonNullable<paths['/api/operators/{id}/']['patch']['requestBody']>['content']['application/json'];
export type WorkspaceSettings = Json<paths['/api/settings/']['get']['responses'][200]>;
export type WorkspaceSettingsChanges = NonNullable<paths['/api/settings/']['patch']['requestBody']>['content']['application/json'];
export type AuditPage = Json<paths['/api/audit-log/']['get']['responses'][200]>;
export type AuditRecord = AuditPage['results'][number];
export type LoginStep = Json<paths['/api/accounts/authenticate/']['post']['responses'][200]>;
export type Login = Omit<LoginStep, 'account'>;
export type DirectoryEntry = components['schemas']['OperatorDirectoryEntry'];
export type UnreadCount = components['schemas']['UnreadCount'];
