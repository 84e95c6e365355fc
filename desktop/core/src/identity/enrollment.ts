/**
 * Who this terminal is: its device key, and what enrollment gave it (server, token, id, name,
 * profile), kept in the store's key-value table. Enrolling redeems a one-time code with the
 * public half of the device key; the private half never leaves the data dir.
 */
import { MarqueeError, TerminalProfile, publicKeyToB64, type TerminalStatus } from '@marquee/shared';
import type { HandlerMap } from '../api/handler-map.ts';
import { ServerApi } from '../server-api.ts';
import { getKv, setKv, type Db } from '../store.ts';
import type { DeviceKey } from './device-key.ts';

export interface EnrollmentOptions {
  db: Db;
  key: DeviceKey;
  /** The core's one server api: configured with the token once enrolled. */
  server: ServerApi;
  /** Runs after the enrollment committed (the core starts syncing). */
  onEnrolled: () => void;
}

export class Enrollment {
  constructor(private readonly options: EnrollmentOptions) {}

  get terminalId(): string | undefined {
    return getKv(this.options.db, 'terminalId');
  }

  get name(): string | undefined {
    return getKv(this.options.db, 'name');
  }

  get profile(): TerminalProfile | undefined {
    const parsed = TerminalProfile.safeParse(getKv(this.options.db, 'profile'));
    return parsed.success ? parsed.data : undefined;
  }

  get serverUrl(): string | undefined {
    return getKv(this.options.db, 'serverUrl');
  }

  get token(): string | undefined {
    return getKv(this.options.db, 'token');
  }

  async enroll(serverUrl: string, code: string): Promise<void> {
    if (this.terminalId !== undefined)
      throw new MarqueeError('invalid_state', 'this terminal is already enrolled');
    const base = serverUrl.replace(/\/+$/, '');
    const enrolled = await ServerApi.enroll(base, {
      code,
      publicKey: publicKeyToB64(this.options.key.publicKey),
    });
    const { db } = this.options;
    db.transaction(() => {
      setKv(db, 'serverUrl', base);
      setKv(db, 'token', enrolled.token);
      setKv(db, 'terminalId', enrolled.terminalId);
      setKv(db, 'name', enrolled.name);
      setKv(db, 'profile', enrolled.profile);
    })();
    this.options.server.configure(base, enrolled.token);
    this.options.onEnrolled();
  }
}

export type EnrollmentHandlers = HandlerMap<'terminal.status' | 'terminal.enroll'>;

export function enrollmentHandlers(enrollment: Enrollment, status: () => TerminalStatus): EnrollmentHandlers {
  return {
    'terminal.status': () => status(),
    'terminal.enroll': async (input) => {
      await enrollment.enroll(input.serverUrl, input.code);
      return status();
    },
  };
}
