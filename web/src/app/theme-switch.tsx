import { THEMES, useTheme, type Theme } from '../lib/theme';
import { useI18n } from '../lib/i18n';

export function ThemeSwitch() {
  const { t } = useI18n();
  const [theme, setTheme] = useTheme();
  return (
    <label className="language-switch">
      <span className="switch-label">{t('app.theme')}</span>
      <select value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
        {THEMES.map((name) => (
          <option key={name} value={name}>
            {t(`theme.${name}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
