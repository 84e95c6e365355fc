/**
 * `npm start`: the demo. Starts the sync server on embedded SQLite in ./data/demo with the seeded
 * demo multiplex (6 halls, two weeks of showtimes) and demo staff accounts. The lobby terminal,
 * its virtual printer and the browser UI join this command as they are built.
 */
const defaults: Record<string, string> = {
  MARQUEE_DATA_DIR: './data/demo',
  MARQUEE_SEED: 'demo',
  MARQUEE_ADMIN_USER: 'admin',
  MARQUEE_ADMIN_PASSWORD: 'marquee-admin',
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;

const host = process.env['MARQUEE_HOST'] ?? '127.0.0.1';
const port = process.env['MARQUEE_PORT'] ?? '8080';
process.stdout.write(
  [
    '',
    'Marquee demo',
    `  sync server        http://${host}:${port}/api/v1/health`,
    `  API description    http://${host}:${port}/api/v1/openapi.json`,
    `  data               ${process.env['MARQUEE_DATA_DIR'] ?? ''} (delete it to start over)`,
    `  sign in            ${process.env['MARQUEE_ADMIN_USER'] ?? ''} / ${process.env['MARQUEE_ADMIN_PASSWORD'] ?? ''} (admin)`,
    '                     manager, supervisor, cashier1, cashier2 / marquee-demo',
    '  stop               Ctrl+C',
    '',
    '',
  ].join('\n'),
);
await import('../sync-server/src/main.ts');

export {};
