// The fake Telegram Bot API of the tests (test/fakes/bot-api) on loopback, and bots registered in it.
import { randomBytes } from 'node:crypto';
import { startFakeBotApi, type FakeBot, type FakeBotApi } from '../../test/fakes/bot-api/index.js';

export { startFakeBotApi, type FakeBot, type FakeBotApi };

let counter = 0;

/** A bot with a token of the real shape (id, colon, 35 characters). */
export function registerBot(telegram: FakeBotApi): FakeBot {
  counter += 1;
  const id = 6_000_000_000 + process.pid * 1000 + counter;
  const token = `${id}:AAH${randomBytes(24).toString('base64url').slice(0, 32)}`;
  return telegram.addBot({ token, id, username: `bench${counter}_bot`, first_name: 'Bench Bot' });
}
