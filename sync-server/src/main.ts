/** `npm run server`: configuration from the environment, structured logs, graceful SIGTERM. */
import { pino } from 'pino';
import { loadConfig } from './config.ts';
import { bootstrap } from './bootstrap.ts';
import { createMarqueeServer } from './app.ts';

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`marquee server: ${loaded.message}\n`);
    process.exit(2);
  }
  const config = loaded.config;
  const logger = pino({ level: config.logLevel, base: { service: 'marquee-sync-server' } });
  const { ctx, generatedAdminPassword, seeded } = await bootstrap(config, logger);
  if (generatedAdminPassword !== undefined) {
    // Printed once on purpose: it is stored only as a hash.
    process.stdout.write(
      `\nFirst start: created user "${config.adminUser ?? 'admin'}" with password ${generatedAdminPassword}\n` +
        'Write it down now; it will not be shown again.\n\n',
    );
  }
  if (seeded !== undefined) logger.info(seeded, 'seeded the demo multiplex');

  const server = createMarqueeServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', reject);
    server.http.listen(config.port, config.host, () => resolve());
  });
  const address = server.http.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ url: `http://${config.host}:${port}`, dataDir: config.dataDir }, 'marquee sync server ready');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining and shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `marquee server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
