/**
 * A whole terminal in browser mode: the core in this process, enrolled on first start, behind the
 * bridge. `npm run terminal` and the demo both start it through here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TerminalProfile, TerminalStatus } from '@marquee/shared';
import { TerminalCore } from '../core/src/core.ts';
import { startBridge, type RunningBridge } from './bridge-server.ts';

export interface BrowserTerminalOptions {
  dataDir: string;
  rendererDir: string;
  /**
   * First start only: where and with which one-time code to enroll. A function is called only
   * when the terminal is not enrolled yet, so a code is not wasted on every start.
   */
  enroll?: Enrollment | (() => Promise<Enrollment>);
  /** Warn when the code enrolled another profile than this one. */
  profile?: TerminalProfile;
  port?: number;
  log?: (message: string, extra?: Record<string, unknown>) => void;
}

export interface Enrollment {
  serverUrl: string;
  code: string;
}

export interface BrowserTerminal {
  core: TerminalCore;
  bridge: RunningBridge;
  status: TerminalStatus;
  close(): Promise<void>;
}

export class TerminalStartError extends Error {
  constructor(
    message: string,
    /** Exit code for a CLI: 2 for a usage problem, 1 for a failure. */
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'TerminalStartError';
  }
}

export function rendererBuilt(rendererDir: string): boolean {
  return existsSync(join(rendererDir, 'index.html'));
}

export async function startBrowserTerminal(options: BrowserTerminalOptions): Promise<BrowserTerminal> {
  if (!rendererBuilt(options.rendererDir)) {
    throw new TerminalStartError(
      `no built renderer in ${options.rendererDir}; run \`npm run build -w desktop\` first`,
      2,
    );
  }
  const core = TerminalCore.open({ dataDir: options.dataDir, ...(options.log ? { log: options.log } : {}) });
  try {
    if (core.terminalId === undefined) {
      if (options.enroll === undefined) {
        throw new TerminalStartError('this terminal is not enrolled yet; pass --server URL --code CODE', 2);
      }
      const enrollment = typeof options.enroll === 'function' ? await options.enroll() : options.enroll;
      const enrolled = await core.handle('terminal.enroll', {
        serverUrl: enrollment.serverUrl,
        code: enrollment.code,
      });
      if (!enrolled.ok) throw new TerminalStartError(`enrollment failed: ${enrolled.error.message}`, 1);
      if (options.profile !== undefined && enrolled.value.profile !== options.profile) {
        options.log?.('enrolled with another profile than asked', {
          asked: options.profile,
          enrolled: enrolled.value.profile,
        });
      }
    } else {
      core.start();
    }
    const bridge = await startBridge({
      core,
      rendererDir: options.rendererDir,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.log ? { log: options.log } : {}),
    });
    return {
      core,
      bridge,
      status: core.status(),
      close: async () => {
        await bridge.close();
        core.close();
      },
    };
  } catch (error) {
    core.close();
    throw error;
  }
}
