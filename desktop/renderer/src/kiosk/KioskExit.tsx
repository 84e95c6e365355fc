/**
 * Leaving kiosk mode: the Electron shell asks for a staff PIN when the exit shortcut is pressed.
 * In browser mode there is no shell and nothing to show.
 */
import { useEffect, useState } from 'react';
import type { ReactElement, SubmitEvent } from 'react';
import { usePreferences } from '../app-context.ts';
import type { KioskShell } from '../terminal-client.ts';
import { exitAnswer, type ExitAnswer } from './exit-answer.ts';

function kioskShell(): KioskShell | undefined {
  return (window as { marquee?: { shell?: KioskShell } }).marquee?.shell;
}

export function KioskExit(): ReactElement | null {
  const { t } = usePreferences();
  const [open, setOpen] = useState(false);
  const [pin, setPin] = useState('');
  const [answer, setAnswer] = useState<ExitAnswer | undefined>(undefined);

  useEffect(() => {
    const shell = kioskShell();
    if (shell === undefined) return undefined;
    return shell.onExitRequested(() => {
      setOpen(true);
      setPin('');
      setAnswer(undefined);
    });
  }, []);

  if (!open) return null;
  const shell = kioskShell();
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    if (shell === undefined) return;
    const reply = await shell.exitKiosk(pin).catch(() => undefined);
    setPin('');
    setAnswer(exitAnswer(reply));
  };
  const message =
    answer === undefined
      ? undefined
      : answer.kind === 'closing'
        ? t.exitClosing
        : answer.kind === 'wrong_pin'
          ? t.exitWrongPin
          : answer.kind === 'wait'
            ? t.exitWait(answer.seconds)
            : t.exitFailed;

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="exit-title">
      <form className="dialog" onSubmit={(event) => void submit(event)}>
        <h2 id="exit-title">{t.exitTitle}</h2>
        <label className="field">
          <span className="field-label">{t.exitPin}</span>
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            autoFocus
            value={pin}
            onChange={(event) => setPin(event.target.value.replace(/\D/g, '').slice(0, 12))}
          />
        </label>
        {message === undefined ? null : <p role="status">{message}</p>}
        <div className="dialog-actions">
          <button type="submit" className="button button--primary" disabled={pin.length < 4}>
            {t.exitConfirm}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setOpen(false)}>
            {t.exitCancel}
          </button>
        </div>
      </form>
    </div>
  );
}
