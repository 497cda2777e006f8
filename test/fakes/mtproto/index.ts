// A fake Telegram for mtcute 0.30.3: tests run the real TelegramClient with only the wire faked.
export { CallLog, type MethodName, type RecordedCall, type RequestOf, type WaitOptions } from './calls.js';
export { Customer, Group, type Chat, type MediaOptions, type PostOptions } from './customers.js';
export { rpcError, WireError, type FaultOptions } from './faults.js';
export type { MediaSpec } from './media.js';
export type { SentMessage } from './outgoing.js';
export { FakeTelegramServer, type CreateClientOptions, type FakeTelegramOptions } from './server.js';
export { StubTelegramClient, type StubClientOptions } from './stub-client.js';
