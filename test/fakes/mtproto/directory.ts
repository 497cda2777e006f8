// Looking up peers (getMe, users by id, usernames, basic groups) and the few help.* calls a client makes.
import type { tl } from '@mtcute/core';
import { rpcError } from './faults.js';
import type { HandlerTable } from './handlers.js';
import type { TelegramState } from './state.js';
import { DC_ID, unixNow } from './tl-builders.js';

function fullUser(user: tl.RawUser): tl.users.RawUserFull {
  return {
    _: 'users.userFull',
    fullUser: {
      _: 'userFull',
      id: user.id,
      settings: { _: 'peerSettings' },
      notifySettings: { _: 'peerNotifySettings' },
      commonChatsCount: 0,
    },
    chats: [],
    users: [user],
  };
}

export function directoryHandlers(state: TelegramState): HandlerTable {
  return {
    'users.getUsers': (req) => req.id.flatMap((input) => state.userOf(input) ?? []),
    'users.getFullUser': (req) => {
      const user = state.userOf(req.id);
      if (!user) throw rpcError('USER_ID_INVALID');
      return fullUser(user);
    },
    'contacts.resolveUsername': (req) => {
      const user = [...state.users.values()].find((u) => u.username?.toLowerCase() === req.username.toLowerCase());
      if (!user) throw rpcError('USERNAME_NOT_OCCUPIED');
      return { _: 'contacts.resolvedPeer', peer: { _: 'peerUser', userId: user.id }, users: [user], chats: [] };
    },
    'contacts.resolvePhone': (req) => {
      const user = [...state.users.values()].find((u) => u.phone === req.phone.replace('+', ''));
      if (!user) throw rpcError('PHONE_NOT_OCCUPIED');
      return { _: 'contacts.resolvedPeer', peer: { _: 'peerUser', userId: user.id }, users: [user], chats: [] };
    },
    'messages.getChats': (req) => ({ _: 'messages.chats', chats: state.chatsById(req.id) }),
    'account.updateStatus': () => true,
    'help.getNearestDc': () => ({ _: 'nearestDc', country: 'NL', thisDc: DC_ID, nearestDc: DC_ID }),
    'help.getAppConfig': () => ({ _: 'help.appConfig', hash: 0, config: { _: 'jsonObject', value: [] } }),
    'help.getConfig': () => config(),
  };
}

function config(): tl.RawConfig {
  return {
    _: 'config',
    date: unixNow(),
    expires: unixNow() + 3600,
    testMode: false,
    thisDc: DC_ID,
    // no address anywhere: nothing in a test may connect, and nothing here could
    dcOptions: [],
    dcTxtDomainName: '',
    chatSizeMax: 200,
    megagroupSizeMax: 200_000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210_000,
    offlineBlurTimeoutMs: 5_000,
    offlineIdleTimeoutMs: 30_000,
    onlineCloudTimeoutMs: 300_000,
    notifyCloudDelayMs: 30_000,
    notifyDefaultDelayMs: 1_500,
    pushChatPeriodMs: 60_000,
    pushChatLimit: 2,
    editTimeLimit: 172_800,
    revokeTimeLimit: 2_147_483_647,
    revokePmTimeLimit: 2_147_483_647,
    ratingEDecay: 2_419_200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604_800,
    callReceiveTimeoutMs: 20_000,
    callRingTimeoutMs: 90_000,
    callConnectTimeoutMs: 30_000,
    callPacketTimeoutMs: 10_000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: DC_ID,
  };
}
