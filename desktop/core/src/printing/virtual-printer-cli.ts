/**
 * `npm run printer -- [--dir ./data/printer] [--columns 48] [--baud 115200]`: a virtual receipt
 * printer for development. It starts `socat` to make a serial pty pair, prints on one end and
 * tells you the path of the other, for the terminal's `hardware.json`:
 *
 *   { "printer": { "path": "<dir>/printer.tty", "baudRate": 115200, "columns": 48 } }
 *
 * Printed pages appear as `.txt` and `.png` in `<dir>/out`. Trouble on demand, while it runs:
 * write `<dir>/control.json`, e.g. `{"paper":"out"}`, `{"paper":"low"}`, `{"cover":"open"}`,
 * `{"power":"off"}` (and back: `"ok"`, `"closed"`, `"on"`), or send SIGUSR1 (paper out / back) or
 * SIGUSR2 (cover open / closed). `--device PATH` attaches to an existing pty end instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, unwatchFile, watchFile } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { VirtualPrinter } from './virtual-printer.ts';

const Args = z.object({
  dir: z.string().min(1),
  columns: z.coerce.number().pipe(z.union([z.literal(32), z.literal(42), z.literal(48)])),
  baud: z.coerce.number().int().min(1200).max(230400),
  device: z.string().min(1).optional(),
});

const Control = z.strictObject({
  paper: z.enum(['ok', 'low', 'out']).optional(),
  cover: z.enum(['open', 'closed']).optional(),
  power: z.enum(['on', 'off']).optional(),
});

function say(message: string): void {
  process.stderr.write(`[virtual printer] ${message}\n`);
}

async function waitForPath(path: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: './data/printer' },
      columns: { type: 'string', default: '48' },
      baud: { type: 'string', default: '115200' },
      device: { type: 'string' },
    },
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    say(`--${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
    process.exit(2);
  }
  const args = parsed.data;
  const dir = resolve(args.dir);
  mkdirSync(dir, { recursive: true });
  const terminalEnd = resolve(dir, 'printer.tty');
  let devicePath = args.device === undefined ? resolve(dir, '.device.tty') : resolve(args.device);
  let socat: ChildProcess | undefined;

  if (args.device === undefined) {
    if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).error !== undefined) {
      say('socat is not installed (Debian/Ubuntu: apt-get install socat); it makes the serial pty pair');
      process.exit(1);
    }
    rmSync(terminalEnd, { force: true });
    rmSync(devicePath, { force: true });
    socat = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${terminalEnd}`, `pty,raw,echo=0,link=${devicePath}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    socat.on('exit', (code) => {
      say(`socat exited (${String(code)}); the printer is disconnected`);
      process.exit(1);
    });
    if (!(await waitForPath(devicePath, 5000)) || !(await waitForPath(terminalEnd, 5000))) {
      say('socat did not create the pty pair');
      socat.kill();
      process.exit(1);
    }
  } else {
    devicePath = resolve(args.device);
  }

  const printer = await VirtualPrinter.start({
    path: devicePath,
    outDir: resolve(dir, 'out'),
    columns: args.columns,
    baudRate: args.baud,
  });
  printer.on('page', (page) => {
    say(`printed page ${page.index}: ${page.pngFile ?? page.txtFile}`);
  });
  printer.on('pulse', (pulse) => {
    say(`cash drawer pulse on pin ${pulse.pin}`);
  });
  printer.on('status', (state) => {
    say(
      `paper ${state.paper}, cover ${state.coverOpen ? 'open' : 'closed'}, power ${state.powered ? 'on' : 'off'}`,
    );
  });

  const controlFile = resolve(dir, 'control.json');
  const applyControl = () => {
    if (!existsSync(controlFile)) return;
    let control: z.infer<typeof Control>;
    try {
      control = Control.parse(JSON.parse(readFileSync(controlFile, 'utf8')));
    } catch (error) {
      say(`control.json ignored: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (control.paper !== undefined) printer.setPaper(control.paper);
    if (control.cover !== undefined) printer.setCover(control.cover === 'open');
    if (control.power !== undefined) printer.setPower(control.power === 'on');
  };
  watchFile(controlFile, { interval: 250 }, applyControl);
  process.on('SIGUSR1', () => {
    printer.setPaper(printer.state.paper === 'out' ? 'ok' : 'out');
  });
  process.on('SIGUSR2', () => {
    printer.setCover(!printer.state.coverOpen);
  });
  const stop = () => {
    unwatchFile(controlFile);
    socat?.removeAllListeners('exit');
    socat?.kill();
    void printer.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  say(`ready; pages go to ${resolve(dir, 'out')}`);
  process.stdout.write(
    `${JSON.stringify({ ready: true, path: args.device === undefined ? terminalEnd : undefined, device: devicePath, out: resolve(dir, 'out'), control: controlFile, pid: process.pid })}\n`,
  );
}

main().catch((error: unknown) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
