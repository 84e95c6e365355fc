/**
 * For the core's tests (kept here like shared/src/testing): a fresh terminal SQLite file in a temp
 * dir, migrated, and a loopback HTTP server answering whatever a test wants the "server" to say.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Db } from '../store.ts';

export interface FreshStore {
  db: Db;
  dir: string;
  close(): void;
}

export function freshStore(): FreshStore {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-core-store-'));
  const db = openStore(join(dir, 'terminal.db'));
  return {
    db,
    dir,
    close() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LoopbackServer {
  url: string;
  /** Requests seen, as `METHOD /path`. */
  seen: string[];
  close(): Promise<void>;
}

/** A bare `node:http` server on an ephemeral loopback port; `answer` writes each response. */
export async function loopbackServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const seen: string[] = [];
  const http = createServer((req, res) => {
    seen.push(`${req.method ?? '?'} ${req.url ?? '?'}`);
    answer(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** Writes a JSON body (or raw text) with a status. */
export function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
