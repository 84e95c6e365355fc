/**
 * Continuous QR scanning with the terminal's camera (html5-qrcode). Each ticket held up counts
 * once (see scan-dedupe.ts). Without a camera, or without permission, it says so and the hand
 * scanner and keyboard keep working.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import type { Html5Qrcode } from 'html5-qrcode';
import { usePreferences } from '../app-context.ts';
import { createScanDeduper } from './scan-dedupe.ts';

type CameraState = 'off' | 'starting' | 'on' | 'unavailable';

/** The same code is judged again only after it was out of view this long. */
const REPEAT_WINDOW_MS = 2_500;

export function CameraScanner({
  onScan,
  autoStart,
}: {
  /** Resolves false when the scan could not be judged: the same code in view is tried again. */
  onScan: (text: string) => Promise<boolean>;
  autoStart: boolean;
}): ReactElement {
  const { t } = usePreferences();
  const elementId = `camera-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const [wanted, setWanted] = useState(autoStart);
  const [state, setState] = useState<CameraState>('off');
  // Bumped to try again after a failure (permission granted, camera plugged in).
  const [attempt, setAttempt] = useState(0);
  const handler = useRef(onScan);
  useEffect(() => {
    handler.current = onScan;
  }, [onScan]);

  useEffect(() => {
    if (!wanted) {
      setState((current) => (current === 'unavailable' ? current : 'off'));
      return undefined;
    }
    let unmounted = false;
    // Read through a function: the cleanup flips the flag while the async start below is awaiting,
    // which flow analysis would not see on a plain variable.
    const stopped = (): boolean => unmounted;
    const scans = createScanDeduper(REPEAT_WINDOW_MS);
    setState('starting');
    // Loaded on first use: only the kiosk pickup and the gate scan, and the decoder is large.
    const started: Promise<Html5Qrcode | undefined> = import('html5-qrcode').then(
      async ({ Html5Qrcode: Scanner, Html5QrcodeSupportedFormats }) => {
        if (stopped()) return undefined;
        const scanner = new Scanner(elementId, {
          formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
          verbose: false,
        });
        try {
          await scanner.start(
            { facingMode: 'environment' },
            {
              fps: 10,
              qrbox: (width, height) => {
                const side = Math.floor(Math.min(width, height) * 0.7);
                return { width: side, height: side };
              },
            },
            (text) => {
              if (stopped() || !scans.accept(text, performance.now())) return;
              void handler.current(text).then(
                (ok) => {
                  if (!ok) scans.retry(text, performance.now());
                },
                () => scans.retry(text, performance.now()),
              );
            },
            undefined,
          );
        } catch {
          if (!stopped()) setState('unavailable');
          return undefined;
        }
        if (!stopped()) setState('on');
        return scanner;
      },
      () => {
        if (!stopped()) setState('unavailable');
        return undefined;
      },
    );
    return () => {
      unmounted = true;
      void started.then(async (scanner) => {
        if (scanner === undefined) return;
        try {
          await scanner.stop();
          scanner.clear();
        } catch {
          // Already stopped (the camera was unplugged): nothing left to release.
        }
      });
    };
  }, [wanted, attempt, elementId]);

  const running = wanted && state !== 'unavailable';
  const toggle = (): void => {
    if (running) {
      setWanted(false);
      return;
    }
    setWanted(true);
    setAttempt((n) => n + 1);
  };

  return (
    <div className={`camera camera--${state}`}>
      <div className="camera-view" id={elementId} />
      <div className="camera-bar">
        <span className="camera-state" role="status">
          {state === 'starting'
            ? t.cameraStarting
            : state === 'on'
              ? t.cameraScanning
              : state === 'unavailable'
                ? t.cameraUnavailable
                : ''}
        </span>
        <button type="button" className="button button--quiet" onClick={toggle}>
          {running ? t.cameraStop : t.cameraStart}
        </button>
      </div>
    </div>
  );
}
