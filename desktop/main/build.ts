/**
 * Builds the Electron shell into desktop/dist (`npm run build -w desktop` runs it after the
 * renderer): main and the core host as ES modules in dist/main, the preload as one CommonJS file
 * in dist/preload, because a sandboxed preload can `require` nothing but a few Electron modules —
 * everything it uses must be inside it. Workspace TypeScript (`@marquee/shared`, the core) is
 * bundled in; only Electron and native modules stay outside and ship in node_modules.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const desktop = fileURLToPath(new URL('..', import.meta.url));
const out = (dir: string) => fileURLToPath(new URL(`../dist/${dir}`, import.meta.url));
/** Loaded at run time, never bundled: Electron itself and compiled (.node) modules. */
const EXTERNAL = ['electron', 'better-sqlite3', 'serialport', /^@serialport\//];

await build({
  root: desktop,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node22',
    outDir: out('main'),
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./main.ts', import.meta.url)),
        'core-host': fileURLToPath(new URL('./core-host.ts', import.meta.url)),
      },
      external: EXTERNAL,
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { noExternal: true, external: ['electron', 'better-sqlite3', 'serialport'] },
});

await build({
  root: desktop,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node22',
    outDir: out('preload'),
    emptyOutDir: true,
    sourcemap: false,
    minify: false,
    rolldownOptions: {
      input: { preload: fileURLToPath(new URL('../preload/preload.ts', import.meta.url)) },
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
  ssr: { noExternal: true, external: ['electron'] },
});
