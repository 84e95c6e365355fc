/**
 * Child processes for the benchmark (the server under test and the echo baseline), so neither
 * shares a thread with the load generator. Each child prints one JSON line on stdout when ready
 * and exits when told (SIGTERM) or when its stdin closes (the parent died).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Child<T> {
  pid: number;
  info: T;
  process: ChildProcess;
  stop(): Promise<number | null>;
}

export async function startChild<T>(
  script: string,
  options: { cwd: string; nodeFlags?: string[]; env?: Record<string, string>; timeoutMs?: number },
): Promise<Child<T>> {
  // `node --import tsx` (not the tsx CLI) so the pid we watch is the process doing the work.
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', script], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script}: not ready after ${options.timeoutMs ?? 120_000} ms`));
    }, options.timeoutMs ?? 120_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${script}: expected a JSON line, got ${line.slice(0, 200)}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready`));
    });
  });
  // Anything further the child prints goes to our stderr, never into the summary on stdout.
  lines.on('line', (line) => process.stderr.write(`[${script}] ${line}\n`));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${script}: no pid`);
  return {
    pid,
    info,
    process: child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** VmRSS / VmHWM of a process in MiB, from /proc. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** User + system CPU time of a process in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at index 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10;
}

/** Busy CPU time of the whole machine in ms, from /proc/stat (all but idle and iowait). */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
}

export interface CpuShare {
  /** This process (the load generator), in cores (1.0 = one core busy all the time). */
  clientCores: number;
  /** The process under test. */
  serverCores: number;
  /** Everything else on the machine (other processes, kernel threads): noise on a shared box. */
  otherCores: number;
}

/** Measures the CPU share of this process, a child, and the rest of the machine between start and stop. */
export class CpuMeter {
  private startedAt = 0;
  private self = process.cpuUsage();
  private child = 0;
  private machine = 0;
  result: CpuShare = { clientCores: Number.NaN, serverCores: Number.NaN, otherCores: Number.NaN };

  constructor(private readonly pid: number) {}

  start(): void {
    this.startedAt = performance.now();
    this.self = process.cpuUsage();
    this.child = cpuMsOf(this.pid);
    this.machine = machineBusyMs();
  }

  stop(): void {
    const wall = performance.now() - this.startedAt;
    const self = process.cpuUsage(this.self);
    const clientCores = (self.user + self.system) / 1000 / wall;
    const serverCores = (cpuMsOf(this.pid) - this.child) / wall;
    const machineCores = (machineBusyMs() - this.machine) / wall;
    this.result = {
      clientCores,
      serverCores,
      otherCores: Math.max(0, machineCores - clientCores - serverCores),
    };
  }
}
