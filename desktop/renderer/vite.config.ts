/**
 * Builds the lobby terminal UI into desktop/dist/renderer. Electron loads it from disk and the
 * browser-mode bridge serves it over http://127.0.0.1, so every asset URL is relative.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Resolved from this file rather than the working directory, so the build works from the repo
// root (`vite build --config desktop/renderer/vite.config.ts`) and from here alike.
const root = new URL('.', import.meta.url).pathname;

// eslint-disable-next-line no-restricted-syntax -- Vite reads its configuration from the default export.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: new URL('../dist/renderer', import.meta.url).pathname,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The UI loads from disk (Electron) or loopback (browser mode): what matters is parse time at
    // start-up, not download size. React, RxDB and the shared schemas are ~650 kB together; the
    // QR decoder is split off and loaded only by the screens that scan.
    chunkSizeWarningLimit: 1024,
  },
});
