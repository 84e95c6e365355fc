/**
 * The sandbox as a child process, for tests and for the demo: spawns `payment-sandbox/src/main.ts`
 * and waits for its `ready {json}` line. Stop it with `stop()` (SIGTERM: it closes cleanly, socat
 * included) or `kill()` (SIGKILL to its process group: a crash, socat gone too; its state stays in
 * the data directory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SandboxControl } from './control-client.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const READY = '[payment sandbox] ready ';

const Ready = z.object({
  url: z.string(),
  platformSerial: z.string(),
  demoMerchantFile: z.string(),
  terminalPath: z.string().nullable(),
});

export interface SandboxProcess extends z.infer<typeof Ready> {
  child: ChildProcess;
  control: SandboxControl;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface SpawnSandboxOptions {
  dataDir: string;
  timeScale?: number;
  port?: number;
  terminal?: boolean;
  timeoutMs?: number;
}

export async function spawnSandbox(options: SpawnSandboxOptions): Promise<SandboxProcess> {
  const args = [
    '--import',
    'tsx',
    MAIN,
    '--data',
    options.dataDir,
    '--port',
    String(options.port ?? 0),
    '--time-scale',
    String(options.timeScale ?? 1),
    ...(options.terminal === false ? ['--no-terminal'] : []),
  ];
  // Its own process group, so that kill() can take its socat down with it, as a crash would not.
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<z.infer<typeof Ready>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the payment sandbox did not start:\n${output}`)),
      options.timeoutMs ?? 30_000,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      if (!line.startsWith(READY)) return;
      clearTimeout(timer);
      resolve(Ready.parse(JSON.parse(line.slice(READY.length))));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the payment sandbox exited before it was ready:\n${output}`));
    });
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    if (signal === 'SIGKILL') process.kill(-child.pid, signal);
    else child.kill(signal);
    await exited;
  };
  return {
    ...ready,
    child,
    control: new SandboxControl(ready.url),
    output: () => output,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}
