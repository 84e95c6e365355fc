/** Language, large text and high contrast: one tap each, on every screen. */
import type { ReactElement } from 'react';
import { usePreferences } from '../app-context.ts';

export function DisplayToggles({ compact = false }: { compact?: boolean }): ReactElement {
  const { t, locale, setLocale, largeText, setLargeText, highContrast, setHighContrast } = usePreferences();
  return (
    <div
      className={`display-toggles${compact ? ' display-toggles--compact' : ''}`}
      role="group"
      aria-label={t.displayOptions}
    >
      <button
        type="button"
        className="toggle toggle--language"
        onClick={() => setLocale(locale === 'en' ? 'zh-CN' : 'en')}
        // The visible name is the other language's own name, so its speakers find it; the
        // title explains it in the current language. No aria-label: it would hide the visible name.
        title={t.switchLanguageLabel}
        lang={locale === 'en' ? 'zh-CN' : 'en'}
      >
        {t.switchLanguage}
      </button>
      <button
        type="button"
        className="toggle"
        aria-pressed={largeText}
        onClick={() => setLargeText(!largeText)}
        title={t.largeText}
      >
        <span aria-hidden="true" className="toggle-icon">
          A<span className="toggle-icon-big">A</span>
        </span>
        <span className={compact ? 'visually-hidden' : ''}>{t.largeText}</span>
      </button>
      <button
        type="button"
        className="toggle"
        aria-pressed={highContrast}
        onClick={() => setHighContrast(!highContrast)}
        title={t.highContrast}
      >
        <span aria-hidden="true" className="toggle-icon">
          ◐
        </span>
        <span className={compact ? 'visually-hidden' : ''}>{t.highContrast}</span>
      </button>
    </div>
  );
}
