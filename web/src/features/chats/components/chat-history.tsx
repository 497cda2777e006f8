import { Link } from 'react-router';
import type { Chat } from '../../../api/types';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useOperatorName } from '../../operators/api/get-directory';
import { useAssignments } from '../api/get-assignments';
import { useContactChats } from '../api/get-contact-chats';

/** The same customer's other chats the viewer may see (another bot, a personal account), as links. */
export function ContactChatsSection({ chat }: { chat: Chat }) {
  const { t } = useI18n();
  const chats = useContactChats(chat.contact?.id ?? null);
  const others = (chats.data ?? []).filter((c) => c.id !== chat.id);
  if (!chat.contact) return null;
  return (
    <section aria-labelledby="details-other-chats">
      <h3 id="details-other-chats">{t('details.otherChats')}</h3>
      {chats.error && <ErrorMessage error={chats.error} />}
      {chats.data && others.length === 0 && <p className="muted">{t('details.noOtherChats')}</p>}
      {others.length > 0 && (
        <ul className="plain-list">
          {others.map((other) => (
            <li key={other.id}>
              <Link to={`/inbox/${other.id}`}>{t('details.otherChat', { source: other.account.title, title: other.title })}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Who had the chat and who gave it, oldest first. */
export function AssignmentHistorySection({ chat }: { chat: Chat }) {
  const { t, time, day } = useI18n();
  const operatorName = useOperatorName();
  const history = useAssignments(chat.id, chat.assignee_id);
  const nameOf = (id: number | null) => (id === null ? t('details.historySystem') : operatorName(id));
  return (
    <section aria-labelledby="details-history">
      <h3 id="details-history">{t('details.history')}</h3>
      {history.error && <ErrorMessage error={history.error} />}
      {history.data && history.data.length === 0 && <p className="muted">{t('details.historyEmpty')}</p>}
      {history.data && history.data.length > 0 && (
        <ol className="plain-list assignment-history" aria-label={t('details.history')}>
          {history.data.map((entry, index) => (
            <li key={index}>
              <time dateTime={entry.at} className="muted">
                {day(entry.at)} {time(entry.at)}
              </time>{' '}
              {entry.action === 'unassigned'
                ? t('details.historyUnassigned', { by: nameOf(entry.actor_id) })
                : entry.action === 'auto_assigned'
                  ? t('details.historyAuto', { operator: nameOf(entry.operator_id) })
                  : t('details.historyAssigned', { operator: nameOf(entry.operator_id), by: nameOf(entry.actor_id) })}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
