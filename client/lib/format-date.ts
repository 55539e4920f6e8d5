import { currentLocale } from '../i18n/index.ts';

/** A timestamp in the UI language (not the browser's): "2026/12/4 14:05:00" or "12/4/2026, 2:05:00 PM". */
export function formatDateTime(iso: string | Date): string {
  return new Date(iso).toLocaleString(currentLocale());
}
