/**
 * The Electron preload (sandboxed, context-isolated): exposes `window.marquee`, the renderer's
 * only way out (DESIGN §3). One generic `call`, because main validates the call name and its input
 * against the shared contract anyway, plus `onEvent` and the kiosk shell hooks. Never the raw
 * `ipcRenderer`: the page gets functions that can send exactly these messages and nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { TerminalCall } from '@marquee/shared';
import { IPC } from './ipc-channels.ts';

/** `MarqueeBridge` (desktop/renderer/src/terminal-client.ts) plus the kiosk shell hooks. */
export interface PreloadBridge {
  call(call: TerminalCall, input: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
  shell: {
    /** Leaves kiosk mode when the PIN matches the terminal config; resolves `{ok}`. */
    exitKiosk(pin: string): Promise<unknown>;
    /** Staff pressed the exit shortcut: show a PIN pad. */
    onExitRequested(listener: () => void): () => void;
    /** The kiosk sat idle: its holds are being released and it returns to its start screen. */
    onIdleReset(listener: () => void): () => void;
  };
}

function listen(channel: string, deliver: (payload: unknown) => void): () => void {
  // The IPC event object (with `sender`) never reaches the page: only the payload does.
  const handler = (_event: IpcRendererEvent, payload: unknown) => deliver(payload);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

const bridge: PreloadBridge = {
  call: (call, input) => ipcRenderer.invoke(IPC.call, call, input),
  onEvent: (listener) => listen(IPC.event, listener),
  shell: {
    exitKiosk: (pin) => ipcRenderer.invoke(IPC.exitKiosk, pin),
    onExitRequested: (listener) => listen(IPC.exitRequested, () => listener()),
    onIdleReset: (listener) => listen(IPC.idleReset, () => listener()),
  },
};

contextBridge.exposeInMainWorld('marquee', bridge);
