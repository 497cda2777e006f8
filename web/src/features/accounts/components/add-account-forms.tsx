import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useCreateAccount } from '../api/create-account';

/** A bot by its token from @BotFather: Telegram checks it, and its refusal is shown in its own words. */
export function AddBotForm() {
  const { t } = useI18n();
  const create = useCreateAccount();
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ type: 'bot', token: token.trim() }, { onSuccess: () => setToken('') });
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label={t('sources.addBot')}>
      <h2>{t('sources.addBot')}</h2>
      <label>
        {t('sources.botToken')}
        <input value={token} onChange={(event) => setToken(event.target.value)} required autoComplete="off" spellCheck={false} placeholder="123456789:AAE…" />
      </label>
      <p className="muted hint">{t('sources.botTokenHint')}</p>
      <Button type="submit" disabled={create.isPending || !token.trim()}>
        {create.isPending ? t('sources.checking') : t('sources.addBotSubmit')}
      </Button>
      {create.error && <ErrorMessage error={create.error} />}
    </form>
  );
}

/** A simulator: a source without Telegram, for trying Parley out. */
export function AddSimulatorForm() {
  const { t } = useI18n();
  const create = useCreateAccount();
  const [title, setTitle] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ type: 'simulator', ...(title.trim() && { title: title.trim() }) }, { onSuccess: () => setTitle('') });
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label={t('sources.addSimulator')}>
      <h2>{t('sources.addSimulator')}</h2>
      <label>
        {t('sources.title')}
        <input value={title} onChange={(event) => setTitle(event.target.value)} maxLength={128} />
      </label>
      <p className="muted hint">{t('sources.simulatorHint')}</p>
      <Button type="submit" disabled={create.isPending}>
        {t('sources.addSimulatorSubmit')}
      </Button>
      {create.error && <ErrorMessage error={create.error} />}
    </form>
  );
}
