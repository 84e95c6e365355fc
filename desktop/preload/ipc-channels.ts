/** IPC channel names shared by the preload and main; nothing else travels over IPC. */
export const IPC = {
  /** invoke(call, input) → Result: one terminal-API call, checked and parsed in main. */
  call: 'marquee:call',
  /** main → page: a core event (status, replica change). */
  event: 'marquee:event',
  /** invoke(pin) → {ok} | {ok:false,error}: leave the locked kiosk window. */
  exitKiosk: 'marquee:exit-kiosk',
  /** main → page: staff pressed the exit shortcut; show the PIN pad. */
  exitRequested: 'marquee:exit-requested',
  /** main → page: the kiosk was left idle; it is about to return to its start screen. */
  idleReset: 'marquee:idle-reset',
} as const;
