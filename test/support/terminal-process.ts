/**
 * The headless terminal (`desktop/core/src/cli.ts`) as a child process, driven over its JSON-lines
 * stdin/stdout, for tests that kill it with SIGKILL and start it again on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Result, TerminalCall, TerminalOutput, TerminalStatus } from '@marquee/shared';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TerminalProcess {
  child: ChildProcess;
  exited: Promise<unknown>;
  /** Sends a call; the promise settles when the terminal answers (or never, if it is killed first). */
  send<C extends TerminalCall>(call: C, input: unknown): Promise<Result<TerminalOutput<C>>>;
  /** Sends a call and throws with the error if it was refused. */
  call<C extends TerminalCall>(call: C, input: unknown): Promise<TerminalOutput<C>>;
  kill9(): Promise<void>;
}

const running = new Set<TerminalProcess>();

/**
 * Starts the terminal on `dataDir` (enrolling it first with `enroll`, if given) and resolves once
 * it says it is ready.
 */
export async function startTerminalProcess(
  dataDir: string,
  enroll?: { server: string; code: string },
): Promise<TerminalProcess> {
  const args = ['--import', 'tsx', 'desktop/core/src/cli.ts', '--data', dataDir];
  if (enroll !== undefined) args.push('--server', enroll.server, '--code', enroll.code);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const ready = new Promise<TerminalStatus>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`terminal did not start: ${errors}`)), 30_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`terminal exited before it was ready: ${errors}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: { id?: number; result?: unknown; ready?: TerminalStatus };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return;
      }
      if (message.ready !== undefined) {
        clearTimeout(timer);
        resolve(message.ready);
      }
      if (typeof message.id === 'number') {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      }
    });
  });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const send: TerminalProcess['send'] = (call, input) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (result: unknown) => void);
      child.stdin.write(`${JSON.stringify({ id, call, input })}\n`);
    });
  const terminal: TerminalProcess = {
    child,
    exited,
    send,
    async call(call, input) {
      const result = await send(call, input);
      if (!result.ok) throw new Error(`${call}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
      running.delete(terminal);
    },
  };
  running.add(terminal);
  return terminal;
}

/** SIGKILLs every terminal process still running (for `afterAll`). */
export async function killTerminalProcesses(): Promise<void> {
  for (const terminal of [...running]) await terminal.kill9();
}
