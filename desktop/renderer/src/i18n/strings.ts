/**
 * The languages of the lobby terminal, one file each (`en.ts`, `zh-CN.ts`), each typed against the
 * one key type `Strings`, so the compiler refuses a string missing in either language.
 */
import type { Locale } from '@marquee/shared';
import { en, type Strings } from './en.ts';
import { zhCN } from './zh-CN.ts';

export { en, zhCN, type Strings };

export const STRINGS: Readonly<Record<Locale, Strings>> = { en, 'zh-CN': zhCN };

export function stringsFor(locale: Locale): Strings {
  return STRINGS[locale];
}
