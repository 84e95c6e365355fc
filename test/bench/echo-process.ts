/**
 * How the benchmark's echo servers live as child processes: listen on an ephemeral loopback port,
 * print `{url, pid}` as one JSON line when ready, and exit on SIGTERM or when stdin closes.
 */
import type { Server } from 'node:http';

export function serveAsChild(server: Server): void {
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    process.stdout.write(
      `${JSON.stringify({ url: `http://127.0.0.1:${address.port}`, pid: process.pid })}\n`,
    );
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}
