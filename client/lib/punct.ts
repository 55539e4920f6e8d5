import type { TFunction } from 'i18next';

/**
 * Punctuation between pieces of UI text follows the language: 、；：（） in Chinese, ", ", "; ",
 * ": ", " (…)" in English (keys `punct.*` of the client catalogs). Never hard-code full-width marks.
 */
export const joinList = (t: TFunction, items: readonly string[]): string => items.join(t('punct.list'));
export const joinClauses = (t: TFunction, items: readonly string[]): string => items.join(t('punct.clause'));
/** "label：" / "label: " */
export const labelled = (t: TFunction, label: string): string => `${label}${t('punct.colon')}`;
/** "text（note）" / "text (note)" */
export const withNote = (t: TFunction, text: string, note: string): string => `${text}${t('punct.parenOpen')}${note}${t('punct.parenClose')}`;
