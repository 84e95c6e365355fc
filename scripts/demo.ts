/**
 * `npm start`: the demo (DESIGN §12). Starts the sync server on embedded SQLite in ./data/demo
 * with the seeded demo multiplex and demo staff, enrolls one box-office terminal (data in
 * ./data/demo-terminal) with a one-time code made through the API as the admin, and opens it — in
 * Electron where a runnable Electron is installed, otherwise in browser mode — printing the URL.
 * A virtual ESC/POS printer on a socat pty pair prints the terminal's tickets and receipts into
 * ./data/demo-printer/out (text and PNG) unless the terminal already has a hardware.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startBrowserTerminal, type BrowserTerminal } from '../desktop/bridge/browser-terminal.ts';
import { createMarqueeServer } from '../sync-server/src/app.ts';
import { bootstrap } from '../sync-server/src/bootstrap.ts';
import { loadConfig } from '../sync-server/src/config.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DESKTOP = join(ROOT, 'desktop');
const RENDERER_DIR = join(DESKTOP, 'dist', 'renderer');
const TERMINAL_DIR = process.env['MARQUEE_DEMO_TERMINAL_DIR'] ?? './data/demo-terminal';
const TERMINAL_PORT = Number(process.env['MARQUEE_TERMINAL_PORT'] ?? '5174');
const PRINTER_DIR = process.env['MARQUEE_DEMO_PRINTER_DIR'] ?? './data/demo-printer';

const defaults: Record<string, string> = {
  MARQUEE_DATA_DIR: './data/demo',
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
const logger = pino({ level: config.logLevel, base: { service: 'marquee-sync-server' } });
const { ctx, seeded } = await bootstrap(config, logger);
const server = createMarqueeServer(ctx);
await new Promise<void>((resolve, reject) => {
  server.http.once('error', reject);
  server.http.listen(config.port, config.host, () => resolve());
});
const address = server.http.address();
const serverUrl = `http://${config.host}:${typeof address === 'object' && address !== null ? address.port : config.port}`;

if (seeded !== undefined && existsSync(TERMINAL_DIR)) {
  // A fresh server database does not know the old demo terminal; enroll it again from scratch.
  rmSync(TERMINAL_DIR, { recursive: true, force: true });
}

/** A one-time enrollment code for a box-office terminal, made through the API as the admin. */
async function enrollmentCode(): Promise<{ serverUrl: string; code: string }> {
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
  const login = await post('/auth/login', {
    username: process.env['MARQUEE_ADMIN_USER'],
    password: process.env['MARQUEE_ADMIN_PASSWORD'],
  });
  const created = await post(
    '/devices/enrollment-codes',
    { name: 'Demo box office', profile: 'box_office', leasePolicy: { seatsPerShowtime: 4, hoursAhead: 6 } },
    String(login['token']),
  );
  return { serverUrl, code: String(created['code']) };
}

/**
 * Starts the virtual printer (`npm run printer`) as a child and points the demo terminal at it,
 * unless the terminal already has its own hardware.json. Answers what to print in the summary.
 */
async function startVirtualPrinter(): Promise<{ child?: ChildProcess; line: string }> {
  const hardwareFile = join(TERMINAL_DIR, 'hardware.json');
  const ours = resolve(PRINTER_DIR, 'printer.tty');
  // A hardware.json the demo wrote itself points at our pty: start the printer again for it.
  if (existsSync(hardwareFile) && !readFileSync(hardwareFile, 'utf8').includes(ours)) {
    return { line: `configured in ${hardwareFile}` };
  }
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'desktop/core/src/printing/virtual-printer-cli.ts', '--dir', PRINTER_DIR],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const ready = await new Promise<{ path?: string; out?: string } | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { path?: string; out?: string });
    });
  });
  if (ready?.path === undefined) {
    child.kill();
    const reason = errors.trim().split('\n').at(-1) ?? 'it did not start';
    return { line: `not started (${reason})` };
  }
  mkdirSync(TERMINAL_DIR, { recursive: true });
  writeFileSync(
    hardwareFile,
    `${JSON.stringify({ printer: { path: ready.path, baudRate: 115200, columns: 48 } }, null, 2)}\n`,
  );
  return { child, line: `virtual, printed tickets appear in ${ready.out ?? PRINTER_DIR}` };
}

const base = [
  '',
  'Marquee demo',
  `  sync server        ${serverUrl}/api/v1/health`,
  `  API description    ${serverUrl}/api/v1/openapi.json`,
  `  data               ${config.dataDir} and ${TERMINAL_DIR} (delete them to start over)`,
  `  sign in            ${process.env['MARQUEE_ADMIN_USER'] ?? ''} / ${process.env['MARQUEE_ADMIN_PASSWORD'] ?? ''} (admin)`,
  '                     manager, supervisor, cashier1, cashier2 / marquee-demo',
];

let terminal: BrowserTerminal | undefined;
let electron: ChildProcess | undefined;
// The printer's pty must exist before the terminal opens it; a fresh seed wiped the old config.
const printer = await startVirtualPrinter();
base.push(`  printer            ${printer.line}`);
try {
  const electronPath = runnableElectron();
  if (electronPath !== undefined) {
    buildIfStale('build', join(DESKTOP, 'dist', 'main', 'main.js'), [
      join(DESKTOP, 'renderer'),
      join(DESKTOP, 'main'),
      join(DESKTOP, 'preload'),
      join(DESKTOP, 'core', 'src'),
      join(ROOT, 'shared', 'src'),
    ]);
    const enroll = existsSync(join(TERMINAL_DIR, 'terminal.db'))
      ? []
      : ['--server', serverUrl, '--code', (await enrollmentCode()).code];
    electron = spawn(electronPath, [DESKTOP, '--data', TERMINAL_DIR, ...enroll], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    // Closing the terminal's window ends the demo, like Ctrl+C.
    electron.once('exit', () => stop());
    say([...base, '  terminal           Electron window (box office)', '  stop               Ctrl+C', '']);
  } else {
    buildIfStale('build:renderer', join(RENDERER_DIR, 'index.html'), [
      join(DESKTOP, 'renderer'),
      join(ROOT, 'shared', 'src'),
    ]);
    terminal = await startBrowserTerminal({
      dataDir: TERMINAL_DIR,
      rendererDir: RENDERER_DIR,
      port: TERMINAL_PORT,
      enroll: enrollmentCode,
      profile: 'box_office',
      log: (message, extra) => logger.info(extra ?? {}, message),
    });
    say([
      ...base,
      `  terminal           ${terminal.bridge.url}`,
      '                     (box office, browser mode: Electron is not runnable here; open this URL in Chromium)',
      '  stop               Ctrl+C',
      '',
    ]);
  }
} catch (error) {
  say([
    ...base,
    `  terminal           not started: ${error instanceof Error ? error.message : String(error)}`,
    '  stop               Ctrl+C',
    '',
  ]);
}

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  electron?.kill('SIGTERM');
  printer.child?.kill('SIGTERM');
  void (async () => {
    await terminal?.close();
    await server.close();
    process.exit(0);
  })();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
