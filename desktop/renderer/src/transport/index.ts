/**
 * Picks the transport: Electron's preload bridge when the page runs in the desktop shell,
 * otherwise the browser-mode WebSocket bridge on the page's own origin (DESIGN §3). The UI only
 * ever sees a `TerminalClient`.
 */
import type { MarqueeBridge, TerminalClient } from '../terminal-client.ts';
import { createPreloadClient } from './preload-client.ts';
import { bridgeUrlFor, createWsClient, type WsClientOptions } from './ws-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (`contextBridge.exposeInMainWorld('marquee', …)`). */
    readonly marquee?: MarqueeBridge;
  }
}

export function createClient(options: WsClientOptions = {}): TerminalClient {
  const bridge = window.marquee;
  if (bridge !== undefined) return createPreloadClient(bridge);
  return createWsClient(bridgeUrlFor(window.location.href), options);
}

export { createPreloadClient } from './preload-client.ts';
export { bridgeUrlFor, createWsClient } from './ws-client.ts';
export type { SocketLike, WsClientOptions, WsTerminalClient } from './ws-client.ts';
