import { LANGUAGES, useI18n, type Language } from '../lib/i18n';

const NAMES: Record<Language, string> = { en: 'English', ru: 'Русский' };

export function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <label className="language-switch">
      <span className="switch-label">{t('app.language')}</span>
      <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
