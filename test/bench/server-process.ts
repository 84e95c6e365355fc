/**
 * The server under test, in its own process: the test harness's real server (SQLite file in a
 * temp dir, demo multiplex seeded), a few enrolled box-office terminals, then one JSON line on
 * stdout: `{url, pid, adminToken, deviceTokens, bootMs}`. Exits on SIGTERM or when stdin closes.
 */
import { enrollDevice } from '../support/enroll.ts';
import { startTestServer } from '../support/server.ts';

export interface BenchServerInfo {
  url: string;
  pid: number;
  adminToken: string;
  deviceTokens: string[];
  bootMs: number;
}

const DEVICES = Number(process.env['BENCH_DEVICES'] ?? '8');

async function main(): Promise<void> {
  const started = performance.now();
  const server = await startTestServer();
  const deviceTokens: string[] = [];
  for (let i = 0; i < DEVICES; i++)
    deviceTokens.push((await enrollDevice(server, 'box_office', `bench-box-office-${i + 1}`)).token);
  const info: BenchServerInfo = {
    url: server.url,
    pid: process.pid,
    adminToken: server.adminToken,
    deviceTokens,
    bootMs: Math.round(performance.now() - started),
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`bench server: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
