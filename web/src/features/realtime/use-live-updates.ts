import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Frame } from '../../api/types';
import { applyAccountFrame } from '../accounts/api/account-cache';
import { putLogin } from '../logins/api/get-login';
import { dropChat, putChat, putChatAccount } from '../chats/api/chat-cache';
import { CHATS_KEY } from '../chats/api/get-chats';
import { refreshUnreadSoon, UNREAD_KEY } from '../chats/api/get-unread';
import { putMessage } from '../messages/api/message-cache';
import { LiveConnection, type LiveState } from './live-connection';

/** Keeps the query cache current from the socket while the inbox is open; returns the connection's state. */
export function useLiveUpdates(myId: number): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    const apply = (frame: Frame) => {
      switch (frame.type) {
        case 'message.created':
        case 'message.updated':
          putMessage(queryClient, frame.data);
          return;
        case 'chat.created':
        case 'chat.updated':
          putChat(queryClient, frame.data, myId);
          refreshUnreadSoon(queryClient);
          return;
        case 'chat.removed':
          dropChat(queryClient, frame.data.id);
          refreshUnreadSoon(queryClient);
          return;
        case 'account.updated':
          putChatAccount(queryClient, frame.data);
          if (!('settings' in frame.data)) return; // an operator's reduced frame: only what chats embed
          applyAccountFrame(queryClient, frame.data);
          if (frame.data.login) putLogin(queryClient, frame.data.login);
          void queryClient.invalidateQueries({ queryKey: ['chat-sources'] });
          return;
        default:
          return;
      }
    };
    const reload = () => {
      void queryClient.invalidateQueries({ queryKey: CHATS_KEY });
      void queryClient.invalidateQueries({ queryKey: UNREAD_KEY });
      void queryClient.invalidateQueries({ queryKey: ['messages'] });
      void queryClient.invalidateQueries({ queryKey: ['chat'] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    };
    const connection = new LiveConnection({ frame: apply, reload, state: setState });
    connection.start();
    return () => connection.stop();
  }, [queryClient, myId]);

  return state;
}
