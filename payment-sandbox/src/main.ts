/**
 * `npm run payment-sandbox -- [options]`: the payment provider sandbox as its own process.
 * Prints where everything is, then one machine-readable `ready {json}` line (see child-process.ts).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSandbox } from './sandbox.ts';

const HELP = `Marquee payment sandbox: stands in for the payment providers.

  npm run payment-sandbox -- [options]

It serves, on one loopback port:
  /            the "phone": see open QR orders and payment-code requests and decide what the
               customer does (approve, decline, wait, pay twice, drop or delay the callback);
               drive the simulated card terminal (approve, decline, customer cancels, take 30 s,
               go silent mid-transaction)
  /v3/...      the QR-pay API (WeChat Pay v3-style, signed requests and answers)
  /sandbox/... the same controls as JSON, for tests

and runs a simulated card terminal (ECR over serial) on a socat pty pair; the till opens the path
it prints. State (orders, callbacks, card transactions, keys) lives in the data directory.

Options:
  --data DIR           data directory (default ./data/payment-sandbox)
  --port N             port (default 8090; 0 picks a free one)
  --host ADDR          address (default 127.0.0.1)
  --time-scale X       multiply the callback retry schedule (15 s, 15 s, 30 s, 3 m, …) and every
                       simulated delay by X; 0.01 turns 15 s into 150 ms (default 1)
  --tz-offset MIN      provider time zone, minutes east of UTC, for statements (default 480, +08:00)
  --terminal-device P  attach the card terminal to an existing pty end P instead of starting socat
  --no-terminal        no card terminal
  --baud N             the terminal's serial speed (default 9600)
  --help               this text
`;

const Args = z.object({
  data: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  'time-scale': z.coerce.number().positive().max(1000),
  'tz-offset': z.coerce.number().int().min(-720).max(840),
  'terminal-device': z.string().min(1).optional(),
  'no-terminal': z.boolean(),
  baud: z.coerce.number().int().min(1200).max(230400),
});

function say(message: string): void {
  process.stdout.write(`[payment sandbox] ${message}\n`);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: 'string', default: './data/payment-sandbox' },
        port: { type: 'string', default: '8090' },
        host: { type: 'string', default: '127.0.0.1' },
        'time-scale': { type: 'string', default: '1' },
        'tz-offset': { type: 'string', default: '480' },
        'terminal-device': { type: 'string' },
        'no-terminal': { type: 'boolean', default: false },
        baud: { type: 'string', default: '9600' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    process.stderr.write(`--${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}\n`);
    process.exit(2);
  }
  const args = parsed.data;
  const sandbox = await startSandbox({
    dataDir: args.data,
    host: args.host,
    port: args.port,
    timeScale: args['time-scale'],
    tzOffsetMinutes: args['tz-offset'],
    terminal: args['no-terminal'] ? false : (args['terminal-device'] ?? true),
    baudRate: args.baud,
    log: (message) => say(message),
  });
  say(`phone page:        ${sandbox.url}/`);
  say(`QR-pay API base:   ${sandbox.url}   (POST /v3/pay/transactions/native, …)`);
  say(`control API:       ${sandbox.url}/sandbox/state`);
  say(
    `platform key:      serial ${sandbox.platform.serial} (public key at ${sandbox.url}/sandbox/platform-key)`,
  );
  say(`demo merchant:     credentials in ${sandbox.demoMerchantFile}`);
  say(
    sandbox.terminalPath === undefined
      ? 'card terminal:     not on a pty of its own (see --terminal-device / --no-terminal)'
      : `card terminal:     ${sandbox.terminalPath} (${args.baud} baud) — the till opens this`,
  );
  say(`time scale:        ${args['time-scale']}`);
  say(
    `ready ${JSON.stringify({
      url: sandbox.url,
      platformSerial: sandbox.platform.serial,
      demoMerchantFile: sandbox.demoMerchantFile,
      terminalPath: sandbox.terminalPath ?? null,
    })}`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `[payment sandbox] could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
