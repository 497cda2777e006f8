// The web app's message catalogs: one key set, every string translated, the same placeholders in each language.
import { describe, expect, it } from 'vitest';
import { en } from '../web/src/i18n/en.js';
import { ru } from '../web/src/i18n/ru.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('web app message catalogs', () => {
  it('have the same keys in Russian and English', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it('translate every string, with the same placeholders', () => {
    const english: Record<string, string> = en;
    for (const [key, text] of Object.entries(ru)) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(english[key] ?? ''));
    }
  });
});
