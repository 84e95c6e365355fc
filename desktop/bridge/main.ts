/**
 * `npm run terminal -- --server URL --code CODE --data DIR [--port 5174] [--profile P]`: the
 * terminal core plus the browser-mode UI on http://127.0.0.1:PORT (the printed URL carries the
 * session). `--headless` runs the core alone, speaking JSON lines on stdin/stdout (the lobby
 * simulator and crash tests); `--hash-pin PIN` prints the `kioskPinHash` for terminal-config.json.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { TerminalProfile } from '@marquee/shared';
import { hashPin, isValidPin } from '../host/kiosk-pin.ts';
import { startBrowserTerminal, TerminalStartError } from './browser-terminal.ts';
import { DEFAULT_BRIDGE_PORT } from './bridge-server.ts';

const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../dist/renderer', import.meta.url));

const Args = z.object({
  server: z.url().optional(),
  code: z.string().min(6).optional(),
  data: z.string().min(1),
  profile: TerminalProfile.optional(),
  port: z.coerce.number().int().min(0).max(65_535),
  renderer: z.string().min(1),
});

function usage(message: string): never {
  process.stderr.write(`marquee terminal: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--headless')) {
    // The core's own CLI parses process.argv strictly; hand it everything but our switch.
    process.argv = process.argv.filter((arg, i) => i < 2 || arg !== '--headless');
    await import('../core/src/cli.ts');
    return;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      code: { type: 'string' },
      data: { type: 'string', default: './data/terminal' },
      profile: { type: 'string' },
      port: { type: 'string', default: String(DEFAULT_BRIDGE_PORT) },
      renderer: { type: 'string', default: DEFAULT_RENDERER_DIR },
      'hash-pin': { type: 'string' },
    },
  });
  const pin = values['hash-pin'];
  if (pin !== undefined) {
    if (!isValidPin(pin)) usage('a kiosk PIN is 4 to 12 digits');
    process.stdout.write(`${JSON.stringify({ kioskPinHash: hashPin(pin) })}\n`);
    return;
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    usage(`--${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  const args = parsed.data;
  const log = (message: string, extra?: Record<string, unknown>) => {
    process.stderr.write(`${JSON.stringify({ level: 'info', message, ...extra })}\n`);
  };
  const terminal = await startBrowserTerminal({
    dataDir: args.data,
    rendererDir: args.renderer,
    port: args.port,
    log,
    ...(args.server !== undefined && args.code !== undefined
      ? { enroll: { serverUrl: args.server, code: args.code } }
      : {}),
    ...(args.profile === undefined ? {} : { profile: args.profile }),
  });
  const status = terminal.status;
  process.stdout.write(
    [
      '',
      `Marquee terminal ${status.name ?? ''} (${status.profile ?? 'not enrolled'}) — ${status.connection}`,
      `  open          ${terminal.bridge.url}`,
      `  data          ${args.data}`,
      '  stop          Ctrl+C',
      '',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void terminal.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof TerminalStartError) {
    process.stderr.write(`marquee terminal: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(
    `marquee terminal failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
