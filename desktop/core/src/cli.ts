/**
 * Headless terminal: `npm run terminal -- --server URL --code CODE --data DIR [--profile gate]`.
 * Enrolls on first run, then keeps the replica in sync and the outbox drained. Commands of the
 * terminal API can be sent as JSON lines on stdin (`{"id":1,"call":"ticket.admit","input":{...}}`);
 * answers and events are JSON lines on stdout. This is what the lobby simulator and the crash
 * tests drive.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CallFrame, TerminalProfile, parseTerminalCall } from '@marquee/shared';
import { TerminalCore } from './core.ts';

const Args = z.object({
  server: z.url().optional(),
  code: z.string().min(6).optional(),
  data: z.string().min(1),
  profile: TerminalProfile.optional(),
});

function write(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: 'string' },
      code: { type: 'string' },
      data: { type: 'string', default: './data/terminal' },
      profile: { type: 'string' },
    },
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    process.stderr.write(
      `marquee terminal: --${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}\n`,
    );
    process.exit(2);
  }
  const args = parsed.data;
  const core = TerminalCore.open({
    dataDir: args.data,
    log: (message, extra) => {
      process.stderr.write(`${JSON.stringify({ level: 'info', message, ...extra })}\n`);
    },
  });
  if (core.terminalId === undefined) {
    if (args.server === undefined || args.code === undefined) {
      process.stderr.write('marquee terminal: not enrolled yet; pass --server URL --code CODE\n');
      process.exit(2);
    }
    const enrolled = await core.handle('terminal.enroll', { serverUrl: args.server, code: args.code });
    if (!enrolled.ok) {
      process.stderr.write(`marquee terminal: enrollment failed: ${enrolled.error.message}\n`);
      process.exit(1);
    }
    if (args.profile !== undefined && enrolled.value.profile !== args.profile) {
      process.stderr.write(
        `marquee terminal: the code enrolls a ${enrolled.value.profile ?? '?'} terminal, not ${args.profile}\n`,
      );
    }
  } else {
    core.start();
  }
  core.events.on('event', (event) => {
    write({ event });
  });
  write({ ready: core.status() });

  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    void (async () => {
      let command: CallFrame;
      try {
        command = CallFrame.parse(JSON.parse(line));
      } catch {
        write({ error: { code: 'validation_failed', message: 'expected {"id","call","input"}' } });
        return;
      }
      // The headless transport's one parse; the core's dispatch gets the typed request.
      const request = parseTerminalCall(command.call, command.input);
      const result = request.ok ? await core.run(request.value) : request;
      write({ id: command.id, result });
    })();
  });

  const stop = () => {
    core.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `marquee terminal failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
