import { useState } from 'react';
import type { Chat } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { ApiError } from '../../../lib/api-client';
import { useI18n } from '../../../lib/i18n';
import { useMe } from '../../auth/api/get-me';
import { useAssignChat } from '../api/assign-chat';
import { useOperatorName } from '../../operators/api/get-directory';
import { useAssignees } from '../api/get-assignees';
import { useChat } from '../api/get-chat';
import { CHAT_STATUSES, type ChatStatus } from '../api/get-chats';
import { useSetChatStatus } from '../api/set-chat-status';
import { useUnassignChat } from '../api/unassign-chat';
import { AssignmentHistorySection, ContactChatsSection } from './chat-history';

/** The side pane of the open chat: who the customer is, where he writes from, who answers him, and the status. */
export function ChatDetails({ chatId }: { chatId: number }) {
  const { t } = useI18n();
  const chat = useChat(chatId).data;
  if (!chat) return null;
  return (
    <div className="chat-details">
      <ContactSection chat={chat} />
      <SourceSection chat={chat} />
      <AssigneeSection chat={chat} />
      <StatusSection chat={chat} />
      <ContactChatsSection chat={chat} />
      <AssignmentHistorySection chat={chat} />
      <p className="muted small">{t('details.chatId', { id: chat.id })}</p>
    </div>
  );
}

function ContactSection({ chat }: { chat: Chat }) {
  const { t } = useI18n();
  const contact = chat.contact;
  const name = contact ? [contact.first_name, contact.last_name].filter(Boolean).join(' ') : '';
  return (
    <section aria-labelledby="details-contact">
      <h3 id="details-contact">{t('details.contact')}</h3>
      <dl className="facts">
        <dt>{t('details.name')}</dt>
        <dd>{name || chat.title}</dd>
        <dt>{t('details.username')}</dt>
        <dd>{contact?.username ? `@${contact.username}` : <span className="muted">{t('details.none')}</span>}</dd>
        <dt>{t('details.phone')}</dt>
        <dd>{contact?.phone ?? <span className="muted">{t('details.none')}</span>}</dd>
      </dl>
    </section>
  );
}

function SourceSection({ chat }: { chat: Chat }) {
  const { t } = useI18n();
  const account = chat.account; // its status comes with the chat, and live by account.updated frames
  return (
    <section aria-labelledby="details-source">
      <h3 id="details-source">{t('details.source')}</h3>
      <p className="source-line">
        <span>{chat.account.title}</span> <span className="muted">· {t(`source.${chat.account.type}`)}</span>
      </p>
      <p className={`source-status source-${account.status}`}>
        {t(`account.status.${account.status}`)}
        {account.status_reason && <span className="muted"> · {account.status_reason}</span>}
      </p>
    </section>
  );
}

function AssigneeSection({ chat }: { chat: Chat }) {
  const { t } = useI18n();
  const me = useMe().data;
  const isAdmin = me?.role === 'admin';
  const operators = useAssignees(isAdmin);
  const operatorName = useOperatorName();
  const assign = useAssignChat();
  const unassign = useUnassignChat();
  const [choice, setChoice] = useState('');
  const error = assign.error ?? unassign.error;
  const busy = assign.isPending || unassign.isPending;
  if (!me) return null;
  const assigneeName = chat.assignee_id === null ? t('details.nobody') : operatorName(chat.assignee_id);
  const others = (operators.data ?? []).filter((o) => o.id !== chat.assignee_id);
  const act = (run: () => void) => {
    assign.reset();
    unassign.reset();
    run();
  };

  return (
    <section aria-labelledby="details-assignee">
      <h3 id="details-assignee">{t('details.assignee')}</h3>
      <p role="status" aria-label={t('details.assignedTo', { name: assigneeName })}>
        {assigneeName}
      </p>
      <div className="actions">
        {chat.assignee_id !== me.id && (
          <Button disabled={busy} onClick={() => act(() => assign.mutate({ chatId: chat.id, operatorId: me.id }))}>
            {t('details.assignToMe')}
          </Button>
        )}
        {chat.assignee_id !== null && (isAdmin || chat.assignee_id === me.id) && (
          <Button className="button-secondary" disabled={busy} onClick={() => act(() => unassign.mutate(chat.id))}>
            {t('details.unassign')}
          </Button>
        )}
      </div>
      {isAdmin && others.length > 0 && (
        <form
          className="assign-to"
          onSubmit={(event) => {
            event.preventDefault();
            const operatorId = Number(choice);
            if (operatorId) act(() => assign.mutate({ chatId: chat.id, operatorId }, { onSuccess: () => setChoice('') }));
          }}
        >
          <select aria-label={t('details.assignTo')} value={choice} onChange={(event) => setChoice(event.target.value)}>
            <option value="">{t('details.pickOperator')}</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.display_name} (@{o.username})
              </option>
            ))}
          </select>
          <Button type="submit" className="button-secondary" disabled={busy || !choice}>
            {t('details.assign')}
          </Button>
        </form>
      )}
      {error &&
        (error instanceof ApiError && error.status === 409 ? (
          <p role="alert" className="error">
            {t('details.refused', { message: error.message })}
          </p>
        ) : (
          <ErrorMessage error={error} />
        ))}
    </section>
  );
}

function StatusSection({ chat }: { chat: Chat }) {
  const { t } = useI18n();
  const setStatus = useSetChatStatus();
  return (
    <section aria-labelledby="details-status">
      <h3 id="details-status">{t('details.status')}</h3>
      <div role="group" aria-labelledby="details-status" className="segmented">
        {CHAT_STATUSES.map((status: ChatStatus) => (
          <button
            key={status}
            type="button"
            className="segment"
            aria-pressed={chat.status === status}
            disabled={setStatus.isPending}
            onClick={() => chat.status !== status && setStatus.mutate({ chatId: chat.id, status })}
          >
            {t(`chatStatus.${status}`)}
          </button>
        ))}
      </div>
      {setStatus.error && <ErrorMessage error={setStatus.error} />}
    </section>
  );
}
