/**
 * What every screen needs from the app shell: the terminal client, the core's status, and the
 * person's display preferences (language, large text, high contrast).
 */
import { createContext, useContext } from 'react';
import type {
  ErrorBody,
  Locale,
  Result,
  TerminalCall,
  TerminalCallInput,
  TerminalOutput,
  TerminalStatus,
} from '@marquee/shared';
import { stringsFor } from './i18n/strings.ts';
import type { Strings } from './i18n/strings.ts';
import type { TerminalClient } from './terminal-client.ts';

export const ClientContext = createContext<TerminalClient | undefined>(undefined);

export function useClient(): TerminalClient {
  const client = useContext(ClientContext);
  if (client === undefined) throw new Error('useClient outside <App>');
  return client;
}

/**
 * Calls the core and always answers a Result: a transport that throws (bridge restarting, IPC
 * torn down) becomes `unavailable`, so no screen ever has to show an exception.
 */
export async function callCore<C extends TerminalCall>(
  client: TerminalClient,
  call: C,
  input: TerminalCallInput<C>,
): Promise<Result<TerminalOutput<C>>> {
  try {
    return await client.call(call, input);
  } catch {
    const error: ErrorBody = { code: 'unavailable', message: 'the terminal service did not answer' };
    return { ok: false, error };
  }
}

export const StatusContext = createContext<TerminalStatus | undefined>(undefined);

export function useStatus(): TerminalStatus | undefined {
  return useContext(StatusContext);
}

export interface Preferences {
  locale: Locale;
  largeText: boolean;
  highContrast: boolean;
}

export interface PreferencesApi extends Preferences {
  t: Strings;
  setLocale: (locale: Locale) => void;
  setLargeText: (on: boolean) => void;
  setHighContrast: (on: boolean) => void;
  /** Back to the cinema's defaults: a kiosk does this for the next customer. */
  resetPreferences: () => void;
}

export const PreferencesContext = createContext<PreferencesApi>({
  locale: 'en',
  largeText: false,
  highContrast: false,
  t: stringsFor('en'),
  setLocale: () => undefined,
  setLargeText: () => undefined,
  setHighContrast: () => undefined,
  resetPreferences: () => undefined,
});

export function usePreferences(): PreferencesApi {
  return useContext(PreferencesContext);
}
