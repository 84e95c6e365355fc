/**
 * Real serial lines for hardware tests: `socat` pty pairs, the virtual printer on one end, and
 * `zbarimg` to read printed QR codes back. A missing tool fails the test with the package to
 * install — these tests never skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualPrinter } from '../../desktop/core/src/printing/virtual-printer.ts';
import { waitFor } from '../support/wait.ts';

/** Throws (fails the test) when a system tool the hardware tests need is not installed. */
export function requireTool(command: string, debianPackage: string): void {
  const probe = spawnSync(command, command === 'socat' ? ['-V'] : ['--version'], { stdio: 'ignore' });
  if (probe.error !== undefined)
    throw new Error(
      `${command} is not installed: the hardware tests need it (apt-get install -y ${debianPackage})`,
    );
}

export interface PtyPair {
  /** The end the terminal opens. */
  terminal: string;
  /** The end the (virtual) device opens. */
  device: string;
  process: ChildProcess;
  /** Kills socat: both ends vanish, like a pulled cable. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function ptyPair(dir: string, name: string): Promise<PtyPair> {
  requireTool('socat', 'socat');
  const terminal = join(dir, `${name}.tty`);
  const device = join(dir, `${name}-device.tty`);
  rmSync(terminal, { force: true });
  rmSync(device, { force: true });
  const child = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${terminal}`, `pty,raw,echo=0,link=${device}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr.resume();
  await waitFor(() => existsSync(terminal) && existsSync(device), 5000, 'socat pty pair');
  return {
    terminal,
    device,
    process: child,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
      rmSync(terminal, { force: true });
      rmSync(device, { force: true });
    },
  };
}

export interface Bench {
  dir: string;
  pty: PtyPair;
  printer: VirtualPrinter;
  close(): Promise<void>;
}

/** A pty pair with a virtual printer on its device end. */
export async function virtualPrinterOn(
  dir: string,
  name: string,
  options: { columns?: number; simulateBaud?: number; png?: boolean } = {},
): Promise<Bench> {
  const pty = await ptyPair(dir, name);
  const printer = await VirtualPrinter.start({
    path: pty.device,
    outDir: join(dir, `${name}-out`),
    ...(options.columns === undefined ? {} : { columns: options.columns }),
    ...(options.simulateBaud === undefined ? {} : { simulateBaud: options.simulateBaud }),
    ...(options.png === undefined ? {} : { png: options.png }),
  });
  return {
    dir,
    pty,
    printer,
    async close() {
      await printer.close();
      await pty.kill();
    },
  };
}

const tempDirs: string[] = [];

/** A temp dir removed by {@link removeTempDirs} (call it in `afterAll`). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeHardwareConfig(dataDir: string, config: unknown): void {
  writeFileSync(join(dataDir, 'hardware.json'), JSON.stringify(config, null, 2));
}

/** The QR codes zbarimg finds in a PNG. */
export function zbarimg(png: string): string[] {
  requireTool('zbarimg', 'zbar-tools');
  const run = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', png], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`zbarimg found no QR code in ${png}: ${run.stderr}`);
  return run.stdout.split('\n').filter((line) => line !== '');
}
