/**
 * Entry point of the lobby terminal UI. The transport (Electron preload bridge or browser-mode
 * WebSocket) is chosen by `createClient` in ./transport, which the desktop shell provides; the
 * app itself only ever sees the `TerminalClient` interface.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { createClient } from './transport/index.ts';
// The stylesheets in cascade order: tokens, base, shared components, then one per screen.
import './ui/tokens.css';
import './ui/base.css';
import './ui/ui.css';
import './kiosk/kiosk.css';
import './kiosk/kiosk-checkout.css';
import './scan/camera.css';
import './seat-map/seat-map.css';
import './box-office/box-office.css';
import './gate/gate.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App client={createClient()} />
  </StrictMode>,
);
