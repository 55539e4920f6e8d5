import { zhCN, type Messages } from './zh-CN.ts';
import { en } from './en.ts';
import type { Locale } from '../auth.ts';

export type { Messages };
export const domainMessages: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
