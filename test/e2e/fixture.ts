/**
 * One end-to-end world per test file: the built renderer, Chromium, a sync server in the test
 * world's time and the terminals a file names, each a real core behind the real bridge. Started
 * once before the file's tests and closed after them, with every page opened through it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { LeasePolicy, TerminalProfile } from '@marquee/shared';
import { perFile } from '../support/per-file.ts';
import type { TestServer } from '../support/server.ts';
import { launchChromium, openTerminalPage, type TerminalPage } from './browser.ts';
import { startE2eServer, startTerminal, type E2eTerminal } from './harness.ts';
import { Relay } from './relay.ts';
import { buildRenderer } from './renderer-build.ts';

/** A lease policy of no seats: every sale is made online. */
export const NO_LEASES: LeasePolicy = { seatsPerShowtime: 0, hoursAhead: 0 };

export interface TerminalSpec {
  profile: TerminalProfile;
  leasePolicy?: LeasePolicy;
}

export interface WorldOptions {
  /**
   * The server keeps its data in a directory of the world's and the terminals reach it through a
   * relay on a fixed port, so {@link E2eWorld.stopServer} and {@link E2eWorld.startServer} can
   * really stop it and start it again while the terminals keep the URL they enrolled with.
   */
  restartable?: boolean;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  camera?: boolean;
  /** Another browser to open the page in (e.g. one with a fake camera); the world's by default. */
  browser?: Browser;
}

export interface E2eWorld<Name extends string> {
  /** The running server; throws while it is stopped. */
  readonly server: TestServer;
  readonly browser: Browser;
  readonly terminals: Readonly<Record<Name, E2eTerminal>>;
  /** Opens a terminal's page in a fresh context, closed with the world. */
  open(terminal: E2eTerminal, options?: PageOptions): Promise<TerminalPage>;
  /** Stops the server for real (`restartable` worlds only): the terminals lose it. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same data (`restartable` worlds only). */
  startServer(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a world outside a test file (the seat-map benchmark); close it when done. */
export async function startE2eWorld<Name extends string>(
  terminals: Record<Name, TerminalSpec>,
  options: WorldOptions = {},
): Promise<E2eWorld<Name>> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const rendererDir = await buildRenderer();
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const dataDir =
      options.restartable === true ? mkdtempSync(join(tmpdir(), 'marquee-e2e-server-')) : undefined;
    if (dataDir !== undefined) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const serverOptions = dataDir === undefined ? {} : { dataDir };
    let server: TestServer | undefined = await startE2eServer(serverOptions);
    cleanups.push(() => server?.close());
    const portOf = (running: TestServer) => Number(new URL(running.url).port);
    const relay = dataDir === undefined ? undefined : await Relay.start(portOf(server));
    if (relay !== undefined) cleanups.push(() => relay.close());

    const started: Partial<Record<Name, E2eTerminal>> = {};
    for (const name of Object.keys(terminals) as Name[]) {
      const spec = terminals[name];
      const terminal = await startTerminal(server, rendererDir, spec.profile, {
        leasePolicy: spec.leasePolicy,
        serverUrl: relay?.url,
      });
      cleanups.push(() => terminal.close());
      started[name] = terminal;
    }
    const pages: TerminalPage[] = [];
    cleanups.push(async () => {
      for (const { context } of pages.splice(0)) await context.close();
    });
    const needRelay = (what: string): Relay => {
      if (relay === undefined) throw new Error(`${what} needs a restartable world`);
      return relay;
    };

    return {
      get server() {
        if (server === undefined) throw new Error('the server is stopped');
        return server;
      },
      browser,
      terminals: started as Record<Name, E2eTerminal>,
      async open(terminal, { browser: other, ...pageOptions } = {}) {
        const opened = await openTerminalPage(other ?? browser, terminal, pageOptions);
        pages.push(opened);
        return opened;
      },
      async stopServer() {
        const link = needRelay('stopServer');
        await server?.close();
        server = undefined;
        link.retarget(undefined);
      },
      async startServer() {
        const link = needRelay('startServer');
        server ??= await startE2eServer(serverOptions);
        link.retarget(portOf(server));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The world of one test file: started before its tests, closed after them. */
export function useE2eWorld<Name extends string>(
  terminals: Record<Name, TerminalSpec>,
  options: WorldOptions = {},
): Omit<E2eWorld<Name>, 'close'> {
  return perFile(
    'the end-to-end world',
    () => startE2eWorld(terminals, options),
    (world) => world.close(),
    240_000,
  );
}
