import { useState, type FormEvent } from 'react';
import { useEffect } from 'react';
import type { Login } from '../../../api/types';
import { QrCode } from '../../../components/ui/qr-code';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useAccounts } from '../../accounts/api/get-accounts';
import { clock, importing, useSecondsLeft } from '../../accounts/components/account-status';
import { HistoryImportBar } from '../../accounts/components/history-import-bar';
import { useAuthenticate } from '../api/authenticate';
import { useAuthenticateQr } from '../api/authenticate-qr';
import { useLogin } from '../api/get-login';
import { useCancelLogin } from '../api/cancel-login';
import { useResendCode } from '../api/resend-code';
import { useVerifyCode } from '../api/verify-code';
import { useVerifyPassword } from '../api/verify-password';

interface Progress {
  step: Login;
  /** When the code may be sent again (from the answer's `timeout`). */
  resendAt: string | null;
}

const progressOf = (step: Login): Progress => ({
  step,
  resendAt: step.timeout ? new Date(Date.now() + step.timeout * 1000).toISOString() : null,
});

/** A personal Telegram account: phone → the code Telegram sends (resend when allowed) → the 2FA password. */
export function LoginWizard() {
  const { t } = useI18n();
  const [progress, setProgress] = useState<Progress | null>(null);
  /** The account the wizard just logged in, whose history import it then follows. */
  const [loggedIn, setLoggedIn] = useState<number | null>(null);
  const cancel = useCancelLogin();
  const advance = (step: Login) => {
    if (step.state === 'active') {
      setLoggedIn(step.account_id);
      setProgress(null);
    } else setProgress(progressOf(step));
  };
  const begin = (step: Login) => {
    setLoggedIn(null);
    advance(step);
  };
  const state = progress?.step.state;
  return (
    <section className="admin-form" aria-labelledby="login-wizard-title">
      <h2 id="login-wizard-title">{t('wizard.title')}</h2>
      {loggedIn !== null && !progress && <LoggedIn accountId={loggedIn} />}
      {!progress && <PhoneStep onAnswer={begin} />}
      {cancel.error && <ErrorMessage error={cancel.error} />}
      {progress && state === 'qr' && <QrStep initial={progress.step} onAnswer={advance} />}
      {progress && state === 'code_sent' && <CodeStep progress={progress} onAnswer={advance} onResent={(step) => setProgress(progressOf(step))} />}
      {progress && state === 'password_needed' && <PasswordStep step={progress.step} onAnswer={advance} />}
      {progress && state === 'failed' && <p role="alert" className="error">{t('wizard.failed', { reason: progress.step.error ?? '' })}</p>}
      {progress && (
        <Button
          className="secondary"
          onClick={() => {
            if (progress.step.state !== 'failed') cancel.mutate(progress.step.account_id);
            setProgress(null);
          }}
        >
          {t('wizard.cancel')}
        </Button>
      )}
    </section>
  );
}

/** Logged in: the account's history import as a bar while it runs (the account's frames move it), then its end. */
function LoggedIn({ accountId }: { accountId: number }) {
  const { t } = useI18n();
  const account = useAccounts().data?.results.find((a) => a.id === accountId);
  const progress = account?.history_import ?? null;
  return (
    <div className="wizard-step">
      <p role="status">{t('wizard.done')}</p>
      {account && importing(account) && <HistoryImportBar progress={account.history_import} />}
      {progress && progress.done === progress.total && <p role="status">{t('wizard.imported')}</p>}
    </div>
  );
}

function PhoneStep({ onAnswer }: { onAnswer: (step: Login) => void }) {
  const { t } = useI18n();
  const authenticate = useAuthenticate();
  const qr = useAuthenticateQr();
  const [phone, setPhone] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    authenticate.mutate(phone.trim(), { onSuccess: onAnswer });
  };
  return (
    <form className="wizard-step" onSubmit={submit}>
      <label>
        {t('wizard.phone')}
        <input type="tel" value={phone} onChange={(event) => setPhone(event.target.value)} required autoComplete="off" placeholder="+44 7700 900123" />
      </label>
      <Button type="submit" disabled={authenticate.isPending || !phone.trim()}>
        {authenticate.isPending ? t('sources.checking') : t('wizard.sendCode')}
      </Button>
      <Button className="secondary" disabled={qr.isPending} onClick={() => qr.mutate(undefined, { onSuccess: onAnswer })}>
        {t('wizard.useQr')}
      </Button>
      {(authenticate.error ?? qr.error) && <ErrorMessage error={(authenticate.error ?? qr.error) as Error} />}
    </form>
  );
}

/** The QR code Telegram gives, replaced live until it is scanned; then the outcome (or the 2FA password). */
function QrStep({ initial, onAnswer }: { initial: Login; onAnswer: (step: Login) => void }) {
  const { t } = useI18n();
  const login = useLogin(initial).data;
  useEffect(() => {
    if (login.state !== 'qr') onAnswer(login);
  }, [login, onAnswer]);
  return (
    <div className="wizard-step">
      <p>{t('wizard.qrHelp')}</p>
      {login.qr_url && <QrCode value={login.qr_url} label={t('wizard.qrLabel')} />}
    </div>
  );
}

function CodeStep({ progress, onAnswer, onResent }: { progress: Progress; onAnswer: (step: Login) => void; onResent: (step: Login) => void }) {
  const { t } = useI18n();
  const verify = useVerifyCode();
  const resend = useResendCode();
  const [code, setCode] = useState('');
  const wait = useSecondsLeft(progress.resendAt);
  const accountId = progress.step.account_id;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate({ accountId, code: code.trim() }, { onSuccess: onAnswer });
  };
  return (
    <form className="wizard-step" onSubmit={submit}>
      <p>{t('wizard.codeSent', { via: progress.step.code_type ?? '—' })}</p>
      <label>
        {t('wizard.code')}
        <input value={code} onChange={(event) => setCode(event.target.value)} required autoComplete="one-time-code" inputMode="numeric" />
      </label>
      <Button type="submit" disabled={verify.isPending || !code.trim()}>
        {t('wizard.verify')}
      </Button>
      {wait > 0 ? (
        <p className="muted hint">{t('wizard.resendIn', { time: clock(wait) })}</p>
      ) : (
        <Button className="secondary" disabled={resend.isPending} onClick={() => resend.mutate(accountId, { onSuccess: onResent })}>
          {t('wizard.resend')}
        </Button>
      )}
      {(verify.error ?? resend.error) && <ErrorMessage error={(verify.error ?? resend.error) as Error} />}
    </form>
  );
}

function PasswordStep({ step, onAnswer }: { step: Login; onAnswer: (step: Login) => void }) {
  const { t } = useI18n();
  const verify = useVerifyPassword();
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate({ accountId: step.account_id, password }, { onSuccess: onAnswer });
  };
  return (
    <form className="wizard-step" onSubmit={submit}>
      <p>{t('wizard.passwordNeeded')}</p>
      {step.password_hint && <p className="muted hint">{t('wizard.hint', { hint: step.password_hint })}</p>}
      <label>
        {t('wizard.password')}
        <input type="password" value={password} onChange={(event) => setPassword(event.target.value)} required autoComplete="off" />
      </label>
      <Button type="submit" disabled={verify.isPending || !password}>
        {t('wizard.verify')}
      </Button>
      {verify.error && <ErrorMessage error={verify.error} />}
    </form>
  );
}
