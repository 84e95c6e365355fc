/** An error from the core, said in words in the current language. */
import type { ReactElement, ReactNode } from 'react';
import { usePreferences } from '../app-context.ts';
import { errorMessage } from '../i18n/error-messages.ts';
import type { ErrorContext, ErrorLike } from '../i18n/error-messages.ts';

export function ErrorNotice({
  error,
  context = 'general',
  onDismiss,
}: {
  error: ErrorLike | undefined;
  context?: ErrorContext;
  onDismiss?: () => void;
}): ReactElement | null {
  const { t, locale } = usePreferences();
  if (error === undefined) return null;
  return (
    <div className="notice notice--error" role="alert">
      <span className="notice-icon" aria-hidden="true">
        !
      </span>
      <p>{errorMessage(error, t, locale, context)}</p>
      {onDismiss === undefined ? null : (
        <button type="button" className="button button--quiet" onClick={onDismiss}>
          {t.close}
        </button>
      )}
    </div>
  );
}

/** A plain message (not an error from the core): notices the screen itself raises. */
export function Notice({
  tone,
  children,
}: {
  tone: 'info' | 'warning' | 'error' | 'success';
  children: ReactNode;
}): ReactElement {
  return (
    <div
      className={`notice notice--${tone}`}
      role={tone === 'error' || tone === 'warning' ? 'alert' : 'status'}
    >
      <span className="notice-icon" aria-hidden="true">
        {tone === 'success' ? '✓' : tone === 'info' ? 'i' : '!'}
      </span>
      <div>{children}</div>
    </div>
  );
}
