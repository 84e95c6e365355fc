/**
 * Starts the whole sandbox in this process: its SQLite state, the platform key, the QR-pay API and
 * the control API and phone page on one loopback port, the callback deliverer, and the simulated
 * card terminal on a socat pty pair.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, join } from 'node:path';
import express from 'express';
import { controlApi } from './control-api.ts';
import { SimulatedTerminal, startPtyPair, type PtyPair } from './card-terminal.ts';
import { ensureDemoMerchant, ensurePlatformKey, type PlatformKey } from './keys.ts';
import { Notifier } from './notifier.ts';
import { PHONE_PAGE } from './phone-page.ts';
import { QrpayProvider } from './provider.ts';
import { qrpayApi } from './qrpay-api.ts';
import { openStore } from './store.ts';

export interface SandboxOptions {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Multiplies the callback retry schedule and every simulated delay; 0.01 makes 15 s into 150 ms. */
  timeScale: number;
  /** The provider's time zone in minutes east of UTC (statements are per day there). */
  tzOffsetMinutes: number;
  /** `false`: no card terminal; a path: attach to that existing pty end instead of starting socat. */
  terminal: boolean | string;
  baudRate: number;
  log: (message: string) => void;
}

export interface RunningSandbox {
  url: string;
  platform: PlatformKey;
  demoMerchantFile: string;
  /** The serial device the till opens, when the card terminal runs. */
  terminalPath: string | undefined;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const now = (): number => Date.now();
  const db = openStore(dataDir);
  const platform = ensurePlatformKey(dataDir);
  const demoMerchantFile = ensureDemoMerchant(db, dataDir, platform, now());
  const provider = new QrpayProvider(db, {
    now,
    timeScale: options.timeScale,
    tzOffsetMinutes: options.tzOffsetMinutes,
  });
  const notifier = new Notifier(db, platform, { now, timeScale: options.timeScale, log: options.log });

  let pty: PtyPair | undefined;
  let terminal: SimulatedTerminal | undefined;
  let terminalPath: string | undefined;
  if (options.terminal !== false) {
    let devicePath: string;
    if (typeof options.terminal === 'string') {
      devicePath = resolve(options.terminal);
    } else {
      pty = await startPtyPair(
        join(dataDir, 'card-terminal.tty'),
        join(dataDir, '.card-terminal-device.tty'),
      );
      devicePath = pty.devicePath;
      terminalPath = pty.tillPath;
    }
    terminal = new SimulatedTerminal(db, {
      devicePath,
      baudRate: options.baudRate,
      timeScale: options.timeScale,
      now,
      log: options.log,
    });
    terminal.start();
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(qrpayApi({ db, provider, platform, now, log: options.log }));
  app.use('/sandbox', controlApi({ db, provider, terminal, platform, now }));
  app.get('/', (_req, res) => {
    res.type('html').send(PHONE_PAGE);
  });
  const server = await new Promise<Server>((ready, fail) => {
    const listening = app.listen(options.port, options.host, (error?: Error) =>
      error ? fail(error) : ready(listening),
    );
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host}:${address.port}`;

  // One clock for everything time-driven: due refunds finish, due callbacks go out.
  const tick = setInterval(
    () => {
      try {
        provider.processRefunds();
        notifier.tick();
      } catch (error) {
        options.log(`clock tick failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    Math.min(250, Math.max(20, Math.round(1000 * options.timeScale))),
  );

  return {
    url,
    platform,
    demoMerchantFile,
    terminalPath,
    async close() {
      clearInterval(tick);
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
      await notifier.close();
      await terminal?.close();
      await pty?.stop();
      db.close();
    },
  };
}
