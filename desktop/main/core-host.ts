/**
 * Entry of the Electron utility process that hosts the terminal core (DESIGN §3): SQLite, sync,
 * printing and the outbox live here, off the main process, so a slow query or a serial port never
 * freezes the window, and a core crash is a restartable child rather than a dead app.
 */
import { parseArgs } from 'node:util';
import { TerminalCore } from '../core/src/core.ts';
import { serveCore, type HostMessage } from '../host/core-protocol.ts';

const parent = process.parentPort;
const { values } = parseArgs({ options: { data: { type: 'string' } }, strict: false });
const dataDir = typeof values.data === 'string' ? values.data : undefined;

function send(message: HostMessage): void {
  parent.postMessage(message);
}

function fatal(error: unknown): never {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

if (dataDir === undefined) fatal(new Error('no --data directory'));
process.on('uncaughtException', fatal);

const core = TerminalCore.open({
  dataDir,
  log: (message, extra) => {
    process.stderr.write(`${JSON.stringify({ level: 'info', message, ...extra })}\n`);
  },
});
core.start();
const { receive } = serveCore(core, send, () => {
  core.close();
  process.exit(0);
});
parent.on('message', (event) => {
  void receive(event.data);
});
send({ type: 'ready', status: core.status() });
