/**
 * A throwaway PostgreSQL for tests: Debian's binaries (initdb in a temp dir, pg_ctl on a free
 * loopback port), stopped and removed at the end. Missing binaries fail the test loudly. Run as
 * root (CI), the cluster belongs to the `postgres` user, as initdb refuses root.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  /** A fresh, empty database's connection string. */
  createDatabase(): string;
  stop(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (found === undefined) throw new Error('PostgreSQL binaries missing: apt-get install postgresql');
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'marquee-pg-'));
  const asRoot = process.getuid?.() === 0;
  let owner: { uid?: number; gid?: number } = {};
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    owner = { uid, gid };
  }
  const run = (tool: string, args: string[]) =>
    execFileSync(join(bin, tool), args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'] });
  const data = join(dir, 'data');
  run('initdb', [
    '-D',
    data,
    '-U',
    'marquee',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  let databases = 0;
  return {
    createDatabase() {
      const name = `t${++databases}`;
      run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'marquee', name]);
      return `postgres://marquee@127.0.0.1:${port}/${name}`;
    },
    stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
