/**
 * First start: the terminal is not enrolled yet. A manager created a one-time code for this
 * device on the server; entering it here makes the core generate nothing new (its device key
 * already exists), register the public key and learn its name and profile. The app then switches
 * to the profile's screens by itself when the status changes.
 */
import { useState } from 'react';
import type { SubmitEvent, ReactElement } from 'react';
import type { ErrorBody } from '@marquee/shared';
import { callCore, useClient, usePreferences } from '../app-context.ts';
import { DisplayToggles } from '../ui/DisplayToggles.tsx';
import { ErrorNotice, Notice } from '../ui/ErrorNotice.tsx';

function validUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function EnrollmentScreen(): ReactElement {
  const client = useClient();
  const { t } = usePreferences();
  const [serverUrl, setServerUrl] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    const url = serverUrl.trim();
    const trimmedCode = code.trim();
    if (!validUrl(url)) {
      setProblem(t.enrollInvalidUrl);
      return;
    }
    if (trimmedCode.length < 6 || trimmedCode.length > 32) {
      setProblem(t.enrollInvalidCode);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    const result = await callCore(client, 'terminal.enroll', { serverUrl: url, code: trimmedCode });
    setBusy(false);
    // On success the core emits a status event and the app leaves this screen.
    if (!result.ok) setError(result.error);
  };

  return (
    <main className="screen screen--centred enrollment">
      <form className="card enrollment-card" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <h1>{t.enrollTitle}</h1>
        <p className="lead">{t.enrollIntro}</p>
        <label className="field">
          <span className="field-label">{t.enrollServerUrl}</span>
          <input
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            required
            value={serverUrl}
            placeholder="http://"
            aria-describedby="server-url-hint"
            onChange={(event) => setServerUrl(event.target.value)}
          />
          <span className="field-hint" id="server-url-hint">
            {t.enrollServerUrlHint}
          </span>
        </label>
        <label className="field">
          <span className="field-label">{t.enrollCode}</span>
          <input
            type="text"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            required
            minLength={6}
            maxLength={32}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </label>
        {problem === undefined ? null : <Notice tone="error">{problem}</Notice>}
        <ErrorNotice error={error} context="enroll" />
        <button type="submit" className="button button--primary button--large" disabled={busy}>
          {busy ? t.working : t.enrollSubmit}
        </button>
        <DisplayToggles />
      </form>
    </main>
  );
}
