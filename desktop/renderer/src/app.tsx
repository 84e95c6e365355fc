/**
 * The lobby terminal UI: one app whose screens follow the terminal's profile, as the core reports
 * it in `terminal.status` — enrollment until the terminal is set up, then kiosk, box office or
 * gate. The client (Electron preload or browser-mode WebSocket) comes in as a prop; the app never
 * knows which.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import type { Locale, TerminalProfile, TerminalStatus } from '@marquee/shared';
import {
  ClientContext,
  PreferencesContext,
  StatusContext,
  callCore,
  usePreferences,
  useStatus,
} from './app-context.ts';
import type { PreferencesApi } from './app-context.ts';
import { BoxOfficeApp } from './box-office/BoxOfficeApp.tsx';
import { openReplica } from './data/replica.ts';
import type { Replica } from './data/replica.ts';
import { ReplicaContext, useSite } from './data/use-replica.ts';
import { EnrollmentScreen } from './enrollment/EnrollmentScreen.tsx';
import { GateApp } from './gate/GateApp.tsx';
import { stringsFor } from './i18n/strings.ts';
import { KioskApp } from './kiosk/KioskApp.tsx';
import { SeatPatterns } from './seat-map/SeatMap.tsx';
import type { TerminalClient } from './terminal-client.ts';
import { StatusBar } from './ui/StatusBar.tsx';

/** How often to ask again while the terminal service does not answer. */
const STATUS_RETRY_MS = 2_000;

export function App({ client }: { client: TerminalClient }): ReactElement {
  return (
    <ClientContext.Provider value={client}>
      <StatusHost client={client} />
    </ClientContext.Provider>
  );
}

function StatusHost({ client }: { client: TerminalClient }): ReactElement {
  const [status, setStatus] = useState<TerminalStatus | undefined>(undefined);
  const [bridgeLost, setBridgeLost] = useState(false);

  useEffect(() => {
    let live = true;
    let retry: number | undefined;
    const load = async (): Promise<void> => {
      const result = await callCore(client, 'terminal.status', {});
      if (!live) return;
      if (result.ok) {
        setStatus(result.value);
        setBridgeLost(false);
      } else {
        setBridgeLost(true);
        retry = window.setTimeout(() => void load(), STATUS_RETRY_MS);
      }
    };
    const unsubscribe = client.subscribe((event) => {
      if (event.type !== 'status') return;
      setStatus(event.status);
      setBridgeLost(false);
    });
    void load();
    return () => {
      live = false;
      window.clearTimeout(retry);
      unsubscribe();
    };
  }, [client]);

  return (
    <StatusContext.Provider value={status}>
      <ReplicaHost client={client} profile={status?.enrolled === true ? status.profile : undefined}>
        <PreferencesHost>
          <Shell bridgeLost={bridgeLost} />
        </PreferencesHost>
      </ReplicaHost>
    </StatusContext.Provider>
  );
}

function ReplicaHost({
  client,
  profile,
  children,
}: {
  client: TerminalClient;
  profile: TerminalProfile | undefined;
  children: ReactNode;
}): ReactElement {
  const [replica, setReplica] = useState<Replica | undefined>(undefined);
  useEffect(() => {
    if (profile === undefined) return undefined;
    let cancelled = false;
    let opened: Replica | undefined;
    openReplica(client, profile)
      .then((replica) => {
        if (cancelled) {
          void replica.close();
          return;
        }
        opened = replica;
        setReplica(replica);
      })
      .catch(() => {
        // Opening an in-memory database fails only on a programming error; without it the
        // screens show their loading state rather than stale data.
        setReplica(undefined);
      });
    return () => {
      cancelled = true;
      setReplica(undefined);
      if (opened !== undefined) void opened.close();
    };
  }, [client, profile]);
  return <ReplicaContext.Provider value={replica}>{children}</ReplicaContext.Provider>;
}

function defaultLocale(siteLocale: Locale | undefined): Locale {
  if (siteLocale !== undefined) return siteLocale;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function PreferencesHost({ children }: { children: ReactNode }): ReactElement {
  const site = useSite();
  const [chosenLocale, setChosenLocale] = useState<Locale | undefined>(undefined);
  const [largeText, setLargeText] = useState(false);
  const [highContrast, setHighContrast] = useState(false);
  const locale = chosenLocale ?? defaultLocale(site?.locale);

  const resetPreferences = useCallback(() => {
    setChosenLocale(undefined);
    setLargeText(false);
    setHighContrast(false);
  }, []);

  const api = useMemo<PreferencesApi>(
    () => ({
      locale,
      largeText,
      highContrast,
      t: stringsFor(locale),
      setLocale: setChosenLocale,
      setLargeText,
      setHighContrast,
      resetPreferences,
    }),
    [locale, largeText, highContrast, resetPreferences],
  );

  // Screen readers and the browser's font choice for CJK follow the document's language.
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  return <PreferencesContext.Provider value={api}>{children}</PreferencesContext.Provider>;
}

function Shell({ bridgeLost }: { bridgeLost: boolean }): ReactElement {
  const status = useStatus();
  const { t, largeText, highContrast } = usePreferences();
  const profile = status?.enrolled === true ? status.profile : undefined;

  let screen: ReactElement;
  if (status === undefined) {
    screen = (
      <main className="screen screen--centred" aria-busy="true">
        <p className="loading">{t.starting}</p>
      </main>
    );
  } else if (!status.enrolled || profile === undefined) {
    screen = <EnrollmentScreen />;
  } else if (profile === 'kiosk') {
    screen = <KioskApp />;
  } else if (profile === 'box_office') {
    screen = <BoxOfficeApp />;
  } else {
    screen = <GateApp />;
  }

  return (
    <div
      className={`app app--${profile ?? 'setup'}`}
      data-text-size={largeText ? 'large' : 'normal'}
      data-contrast={highContrast ? 'high' : 'normal'}
    >
      <SeatPatterns />
      {/* The kiosk shows its own display toggles where customers look for them. */}
      <StatusBar status={status} bridgeLost={bridgeLost} showToggles={profile !== 'kiosk'} />
      {screen}
    </div>
  );
}
