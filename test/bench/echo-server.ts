/**
 * The baseline: a bare `node:http` JSON echo server in its own process. It reads the body, parses
 * it, and answers it back as JSON (201, like a created hold) — the least any JSON API does per
 * request. Prints `{url, pid}` when ready; exits on SIGTERM or when stdin closes.
 */
import { createServer } from 'node:http';
import { serveAsChild } from './echo-process.ts';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: string;
    let status = 201;
    try {
      body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      status = 400;
      body = JSON.stringify({ error: { code: 'validation_failed', message: 'not JSON' } });
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
serveAsChild(server);
