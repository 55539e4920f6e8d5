import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { domainMessages } from '../../shared/i18n/index.ts';
import { LOCALES, resolveLocale, type Locale } from '../../shared/auth.ts';
import { uiZhCN } from './zh-CN.ts';
import { uiEn } from './en.ts';

/** One i18next instance: shared domain words (roles, entities, errors) merged with UI strings. */
const STORAGE_KEY = 'controlbook.locale';

export function storedLocale(): Locale {
  try {
    return resolveLocale(localStorage.getItem(STORAGE_KEY));
  } catch {
    return 'zh-CN';
  }
}

export function currentLocale(): Locale {
  return resolveLocale(i18next.language);
}

/** Switch the UI language, remember it in this browser and set <html lang>. */
export async function applyLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice simply is not remembered
  }
  if (i18next.language !== locale) await i18next.changeLanguage(locale);
}

export const i18n = i18next;

// document title follows the language (registered before init so the first language counts too)
i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  document.title = `${i18next.t('app.productName')} · ${i18next.t('app.name')}`;
});

void i18next.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: { ...domainMessages['zh-CN'], ...uiZhCN } },
    en: { translation: { ...domainMessages.en, ...uiEn } },
  },
  lng: storedLocale(),
  fallbackLng: 'zh-CN',
  supportedLngs: [...LOCALES],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});
