import i18next, { type TFunction } from 'i18next';
import { domainMessages } from '../shared/i18n/index.ts';
import { LOCALES, type Locale } from '../shared/auth.ts';

/** Server-side translator for error messages, over the same catalog the client uses. */
const instance = i18next.createInstance();
void instance.init({
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: domainMessages[l] }])),
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

const translators = new Map<Locale, TFunction>(LOCALES.map((l) => [l, instance.getFixedT(l)]));

export function translate(locale: Locale, key: string, params?: Record<string, unknown>): string {
  return translators.get(locale)!(key, params ?? {});
}

export function isMessageKey(text: string): boolean {
  return /^[a-zA-Z]+(\.[a-zA-Z]+)+$/.test(text) && instance.exists(text);
}
