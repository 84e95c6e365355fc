/**
 * `npm start`: the demo (DESIGN §12). Starts the sync server as its own process (`npm run server`)
 * on embedded SQLite in ./data/demo with the seeded demo multiplex and demo staff, then one terminal
 * of each profile — box office, kiosk and gate, each with its own data directory under ./data and
 * its own port — enrolled with one-time codes made through the API as the admin. The box office
 * opens in Electron where a runnable Electron is installed; everything else runs in browser mode
 * and prints its URL. The box office and the kiosk each print on a virtual ESC/POS printer on a
 * socat pty pair (tickets and receipts as text and PNG in ./data/demo-printer/out and
 * ./data/demo-kiosk-printer/out) unless the terminal already has its own hardware.json.
 *
 * The server is a separate process so that it can be stopped alone to see offline mode: type `s`
 * and Enter to stop it (the terminals go offline and keep selling leased seats and scanning), `s`
 * again to start it (they catch up).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { pino } from 'pino';
import type { TerminalProfile } from '@marquee/shared';
import { startBrowserTerminal, type BrowserTerminal } from '../desktop/bridge/browser-terminal.ts';
import { loadConfig } from '../sync-server/src/config.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DESKTOP = join(ROOT, 'desktop');
const RENDERER_DIR = process.env['MARQUEE_DEMO_RENDERER_DIR'] ?? join(DESKTOP, 'dist', 'renderer');
/** The first terminal's port; the kiosk and the gate take the next two (0: any free ports). */
const TERMINAL_PORT = Number(process.env['MARQUEE_TERMINAL_PORT'] ?? '5174');
const DATA = process.env['MARQUEE_DEMO_DIR'] ?? './data';

interface DemoTerminal {
  profile: TerminalProfile;
  label: string;
  dataDir: string;
  /** Where its virtual printer writes, for terminals that print. */
  printerDir?: string;
  leasePolicy?: { seatsPerShowtime: number; hoursAhead: number };
}
const TERMINALS: DemoTerminal[] = [
  {
    profile: 'box_office',
    label: 'box office',
    dataDir: join(DATA, 'demo-terminal'),
    printerDir: join(DATA, 'demo-printer'),
    leasePolicy: { seatsPerShowtime: 4, hoursAhead: 6 },
  },
  {
    profile: 'kiosk',
    label: 'kiosk',
    dataDir: join(DATA, 'demo-kiosk'),
    printerDir: join(DATA, 'demo-kiosk-printer'),
  },
  { profile: 'gate', label: 'gate', dataDir: join(DATA, 'demo-gate') },
];

const defaults: Record<string, string> = {
  MARQUEE_DATA_DIR: join(process.env['MARQUEE_DEMO_DIR'] ?? './data', 'demo'),
  MARQUEE_SEED: 'demo',
  MARQUEE_ADMIN_USER: 'admin',
  MARQUEE_ADMIN_PASSWORD: 'marquee-admin',
  // Request logs would bury the addresses printed below; MARQUEE_LOG_LEVEL=info brings them back.
  MARQUEE_LOG_LEVEL: 'warn',
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;

function say(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The newest modification time under `dir` (source files that a build depends on). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds `what` with `npm run <script> -w desktop` unless `output` is newer than its sources. */
function buildIfStale(script: string, output: string, sources: string[]): void {
  const built = existsSync(output) ? statSync(output).mtimeMs : 0;
  if (built > Math.max(...sources.map(newest))) return;
  say([`Building the terminal (${script})…`]);
  const run = spawnSync('npm', ['run', script, '-w', 'desktop'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`npm run ${script} -w desktop failed`);
}

/** Electron's binary path when one is installed and can open a window here, else undefined. */
function runnableElectron(): string | undefined {
  if (process.env['MARQUEE_BROWSER_MODE'] === '1') return undefined;
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'])
    return undefined;
  try {
    // The electron package exports the binary's path, and throws when the download was skipped.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`marquee demo: ${loaded.message}\n`);
  process.exit(2);
}
const config = loaded.config;
const logger = pino({ level: config.logLevel, base: { service: 'marquee-demo' } });

/** A free loopback port (for MARQUEE_PORT=0: the server is another process and must be told one). */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, config.host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

const serverPort = config.port === 0 ? await freePort() : config.port;
const serverUrl = `http://${config.host}:${serverPort}`;
// Only an embedded database can be seen to be new from here (its file is missing); a PostgreSQL one
// is the operator's to reset, and the terminals' folders are kept.
const freshDatabase = config.databaseUrl === undefined && !existsSync(join(config.dataDir, 'marquee.db'));

/** Whether the server answers its health check now. */
async function serverUp(): Promise<boolean> {
  try {
    const res = await fetch(`${serverUrl}/api/v1/health`, { signal: AbortSignal.timeout(1_000) });
    return res.ok;
  } catch {
    return false;
  }
}

let serverChild: ChildProcess | undefined;
/** Starts `npm run server` as a child process and waits until it answers (or exits). */
async function startServer(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, MARQUEE_PORT: String(serverPort) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  serverChild = child;
  // Read through a function: the exit handler flips it while the loop below awaits.
  let exitCode: number | null | undefined;
  const exited = (): boolean => exitCode !== undefined;
  child.once('exit', (code) => {
    exitCode = code;
    if (serverChild === child) serverChild = undefined;
  });
  const deadline = Date.now() + 120_000;
  while (!(await serverUp())) {
    if (exited()) throw new Error('the sync server exited while starting (see its messages above)');
    if (Date.now() > deadline) throw new Error('the sync server did not answer within 2 minutes');
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

async function stopServer(): Promise<void> {
  const child = serverChild;
  if (child === undefined) return;
  await new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

if (freshDatabase) {
  // A fresh server database does not know the old demo terminals; enroll them again from scratch.
  for (const terminal of TERMINALS) rmSync(terminal.dataDir, { recursive: true, force: true });
}
await startServer();

let adminToken: string | undefined;
/** A one-time enrollment code for `terminal`, made through the API as the admin. */
async function enrollmentCode(terminal: DemoTerminal): Promise<{ serverUrl: string; code: string }> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${serverUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  adminToken ??= String(
    (
      await post('/auth/login', {
        username: process.env['MARQUEE_ADMIN_USER'],
        password: process.env['MARQUEE_ADMIN_PASSWORD'],
      })
    )['token'],
  );
  const created = await post(
    '/devices/enrollment-codes',
    {
      name: `Demo ${terminal.label}`,
      profile: terminal.profile,
      ...(terminal.leasePolicy === undefined ? {} : { leasePolicy: terminal.leasePolicy }),
    },
    adminToken,
  );
  return { serverUrl, code: String(created['code']) };
}

/**
 * Starts a virtual printer (`npm run printer`) as a child and points `terminal` at it, unless the
 * terminal already has its own hardware.json. Answers what to print in the summary.
 */
async function startVirtualPrinter(terminal: DemoTerminal): Promise<{ child?: ChildProcess; line: string }> {
  const printerDir = terminal.printerDir;
  if (printerDir === undefined) return { line: '' };
  const hardwareFile = join(terminal.dataDir, 'hardware.json');
  const ours = resolve(printerDir, 'printer.tty');
  // A hardware.json the demo wrote itself points at our pty: start the printer again for it.
  if (existsSync(hardwareFile) && !readFileSync(hardwareFile, 'utf8').includes(ours)) {
    return { line: `configured in ${hardwareFile}` };
  }
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'desktop/core/src/printing/virtual-printer-cli.ts', '--dir', printerDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const ready = await new Promise<{ path?: string; out?: string } | undefined>((done) => {
    const timer = setTimeout(() => done(undefined), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done(undefined);
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      done(JSON.parse(line) as { path?: string; out?: string });
    });
  });
  if (ready?.path === undefined) {
    child.kill();
    const reason = errors.trim().split('\n').at(-1) ?? 'it did not start';
    return { line: `not started (${reason})` };
  }
  mkdirSync(terminal.dataDir, { recursive: true });
  writeFileSync(
    hardwareFile,
    `${JSON.stringify({ printer: { path: ready.path, baudRate: 115200, columns: 48 } }, null, 2)}\n`,
  );
  return { child, line: `virtual, printed tickets appear in ${ready.out ?? printerDir}` };
}

const pad = (label: string) => `  ${label.padEnd(19)}`;
const lines = [
  '',
  'Marquee demo',
  `${pad('sync server')}${serverUrl}/api/v1/health (its own process, pid ${serverChild?.pid ?? '?'})`,
  `${pad('API description')}${serverUrl}/api/v1/openapi.json`,
  `${pad('data')}${config.dataDir} and one folder per terminal in ${DATA} (delete ${DATA} to start over)`,
  `${pad('sign in')}${process.env['MARQUEE_ADMIN_USER'] ?? ''} / ${process.env['MARQUEE_ADMIN_PASSWORD'] ?? ''} (admin)`,
  `${pad('')}manager, supervisor, cashier1, cashier2 / marquee-demo`,
];

const children: ChildProcess[] = [];
const terminals: BrowserTerminal[] = [];
const electronPath = runnableElectron();
for (const [index, terminal] of TERMINALS.entries()) {
  // The printer's pty must exist before the terminal opens it; a fresh seed wiped the old config.
  const printer = await startVirtualPrinter(terminal);
  if (printer.child !== undefined) children.push(printer.child);
  const label = pad(terminal.label);
  try {
    if (electronPath !== undefined && terminal.profile === 'box_office') {
      buildIfStale('build', join(DESKTOP, 'dist', 'main', 'main.js'), [
        join(DESKTOP, 'renderer'),
        join(DESKTOP, 'main'),
        join(DESKTOP, 'preload'),
        join(DESKTOP, 'core', 'src'),
        join(ROOT, 'shared', 'src'),
      ]);
      const enroll = existsSync(join(terminal.dataDir, 'terminal.db'))
        ? []
        : ['--server', serverUrl, '--code', (await enrollmentCode(terminal)).code];
      const electron = spawn(electronPath, [DESKTOP, '--data', terminal.dataDir, ...enroll], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      children.push(electron);
      // Closing the box office's window ends the demo, like Ctrl+C.
      electron.once('exit', () => stop());
      lines.push(`${label}Electron window`);
    } else {
      if (process.env['MARQUEE_DEMO_RENDERER_DIR'] === undefined) {
        buildIfStale('build:renderer', join(RENDERER_DIR, 'index.html'), [
          join(DESKTOP, 'renderer'),
          join(ROOT, 'shared', 'src'),
        ]);
      }
      const opened = await startBrowserTerminal({
        dataDir: terminal.dataDir,
        rendererDir: RENDERER_DIR,
        port: TERMINAL_PORT === 0 ? 0 : TERMINAL_PORT + index,
        enroll: () => enrollmentCode(terminal),
        profile: terminal.profile,
        log: (message, extra) => logger.info(extra ?? {}, message),
      });
      terminals.push(opened);
      lines.push(`${label}${opened.bridge.url}`);
    }
  } catch (error) {
    lines.push(`${label}not started: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (printer.line !== '') lines.push(`${pad('')}printer: ${printer.line}`);
}
if (terminals.length > 0) lines.push(`${pad('')}(browser mode: open these URLs in Chromium)`);
lines.push(
  `${pad('offline mode')}type s and Enter to stop the sync server, s again to start it`,
  `${pad('stop')}Ctrl+C`,
  '',
);
say(lines);

// `s` + Enter stops or starts the server, so offline selling and catching up can be seen.
let toggling = false;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 's' || toggling) return;
  toggling = true;
  const was = serverChild === undefined ? 'started' : 'stopped';
  const action = was === 'started' ? startServer() : stopServer();
  action.then(
    () => {
      toggling = false;
      say([`sync server ${was}${was === 'started' ? ` (pid ${serverChild?.pid ?? '?'})` : ''}`]);
    },
    (error: unknown) => {
      toggling = false;
      say([`sync server: ${error instanceof Error ? error.message : String(error)}`]);
    },
  );
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  void (async () => {
    await Promise.all(terminals.map((terminal) => terminal.close()));
    await stopServer();
    process.exit(0);
  })();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
