// Strings, dates and numbers in the operator's language: the browser's unless the operator picked one (remembered).
import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from '../i18n/en';
import { ru } from '../i18n/ru';

export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A missing key in a catalog is a type error here, and a test failure in test/web.catalogs.test.ts. */
const CATALOGS: Record<Language, Record<MessageKey, string>> = { en, ru };
const STORAGE_KEY = 'parley.language';

export function browserLanguage(preferred: readonly string[] = navigator.languages): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ru' || base === 'en') return base;
  }
  return 'en';
}

function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'ru' ? saved : browserLanguage();
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  time(iso: string): string;
  /** A number in the language's way: grouping and decimal sign (one decimal at most). */
  number(value: number): string;
  /** The calendar day of a moment, for separators in a conversation. */
  day(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const catalog = CATALOGS[language];
    const timeFormat = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
    const dayFormat = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short' });
    const numberFormat = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
    const longDayFormat = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric' });
    return {
      language,
      setLanguage,
      t: (key, values) =>
        catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
          const value = values?.[name];
          if (value === undefined) return whole;
          // Numbers in the language's way ("1,5" in Russian), except identifiers, shown as they are.
          return typeof value === 'number' && name !== 'id' ? numberFormat.format(value) : String(value);
        }),
      number: (value) => numberFormat.format(value),
      time: (iso) => {
        const date = new Date(iso);
        const today = new Date().toDateString() === date.toDateString();
        return today ? timeFormat.format(date) : `${dayFormat.format(date)} ${timeFormat.format(date)}`;
      },
      day: (iso) => longDayFormat.format(new Date(iso)),
    };
  }, [language, setLanguage]);
  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18n {
  const i18n = use(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
