/**
 * Collecting a ticket bought online: the customer scans the QR code from their confirmation
 * (camera or the kiosk's hand scanner) or types the ticket code. The core checks the signature
 * offline (`ticket.lookup`, which admits nobody) and the kiosk shows the ticket with its code.
 */
import { useState } from 'react';
import type { SubmitEvent, ReactElement } from 'react';
import type { AdmitResult, ErrorBody } from '@marquee/shared';
import { missingCase } from '@marquee/shared';
import { callCore, useClient, usePreferences } from '../app-context.ts';
import { useShowing } from '../data/use-showing.ts';
import { seatDisplayName } from '../i18n/error-messages.ts';
import type { Strings } from '../i18n/strings.ts';
import { CameraScanner } from '../scan/CameraScanner.tsx';
import { classifyLookupInput } from '../scan/lookup-input.ts';
import { useKeyboardWedge } from '../scan/use-keyboard-wedge.ts';
import { ErrorNotice, Notice } from '../ui/ErrorNotice.tsx';
import { Qr } from '../ui/Qr.tsx';
import { ShowingLine } from '../ui/ShowingLine.tsx';
import { KioskFrame } from './KioskFrame.tsx';

interface Found {
  token: string;
  result: AdmitResult;
}

function pickupStatus(
  result: AdmitResult,
  t: Strings,
): { tone: 'success' | 'error' | 'warning'; text: string } {
  switch (result.verdict) {
    // A lookup judges the ticket as a door would; "admitted" and "too early" both mean "valid".
    case 'admitted':
    case 'too_early':
    case 'wrong_showtime':
      return { tone: 'success', text: t.pickupStatusValid };
    case 'already_admitted':
      return { tone: 'warning', text: t.pickupStatusUsed };
    case 'refunded':
      return { tone: 'error', text: t.pickupStatusRefunded };
    case 'too_late':
      return { tone: 'warning', text: t.pickupStatusEnded };
    case 'invalid':
      return { tone: 'error', text: t.pickupStatusInvalid };
    default:
      return missingCase(result.verdict);
  }
}

export function PickupScreen({
  onBack,
  onCancel,
}: {
  onBack: () => void;
  onCancel: () => void;
}): ReactElement {
  const client = useClient();
  const { t } = usePreferences();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ErrorBody | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const showing = useShowing(found?.result.showtimeId);

  const lookUp = async (raw: string): Promise<void> => {
    setError(undefined);
    setMessage(undefined);
    const input = classifyLookupInput(raw);
    if (input.kind === 'empty') return;
    if (input.kind === 'order_code') {
      setMessage(t.pickupOrderCodeUnsupported);
      return;
    }
    const token = input.kind === 'token' ? input.token : raw.trim();
    setBusy(true);
    const result = await callCore(client, 'ticket.lookup', { token });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setFound({ token, result: result.value });
    setText('');
  };

  useKeyboardWedge((scanned) => void lookUp(scanned), found === undefined);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void lookUp(text);
  };

  if (found !== undefined) {
    const status = pickupStatus(found.result, t);
    const valid = status.tone === 'success';
    return (
      <KioskFrame
        title={t.pickupFoundTitle}
        onBack={() => setFound(undefined)}
        onCancel={onCancel}
        footer={
          <button
            type="button"
            className="button button--primary button--large"
            onClick={() => setFound(undefined)}
          >
            {t.pickupAgain}
          </button>
        }
      >
        {showing === undefined ? null : <ShowingLine showing={showing} />}
        <Notice tone={status.tone}>{status.text}</Notice>
        {valid ? (
          <div className="ticket-card ticket-card--single">
            <Qr text={found.token} label={t.showAtEntrance} size={260} />
            <div className="ticket-card-body">
              {found.result.seatId === undefined ? null : (
                <span className="ticket-seat">{seatDisplayName(found.result.seatId, t)}</span>
              )}
              <span className="hint">{t.showAtEntrance}</span>
            </div>
          </div>
        ) : null}
        {valid ? <Notice tone="info">{t.printerMissing}</Notice> : null}
      </KioskFrame>
    );
  }

  return (
    <KioskFrame title={t.pickupTitle} onBack={onBack} onCancel={onCancel}>
      <p className="lead">{t.pickupHint}</p>
      <div className="pickup">
        <CameraScanner onScan={(scanned) => lookUp(scanned).then(() => true)} autoStart />
        <form className="pickup-form" onSubmit={submit}>
          <label className="field">
            <span className="field-label">{t.pickupCode}</span>
            <input
              type="text"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
          </label>
          <button
            type="submit"
            className="button button--primary button--large"
            disabled={busy || text.trim() === ''}
          >
            {busy ? t.working : t.pickupFind}
          </button>
          {message === undefined ? null : <Notice tone="warning">{message}</Notice>}
          <ErrorNotice error={error} context="lookup" />
        </form>
      </div>
    </KioskFrame>
  );
}
