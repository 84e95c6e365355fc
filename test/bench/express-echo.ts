/**
 * A reference point, not a target: the same JSON echo as `echo-server.ts`, but through Express 5
 * with `express.json()` — the framework the sync server is built on, doing no work of its own.
 * It splits the gap between the bare echo and the server into "framework" and "application".
 * Prints `{url, pid}` when ready; exits on SIGTERM or when stdin closes.
 */
import { createServer } from 'node:http';
import express from 'express';
import { serveAsChild } from './echo-process.ts';

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: 256 * 1024, strict: true }));
app.post('/api/v1/holds', (req, res) => {
  res.status(201).json(req.body);
});

const server = createServer(app);
serveAsChild(server);
