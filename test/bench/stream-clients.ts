/** Terminals on the change stream: WebSocket clients that stamp every frame with hrtime on arrival. */
import { WebSocket, type RawData } from 'ws';

export interface Frame {
  at: bigint;
  data: RawData;
}

export interface Subscriber {
  socket: WebSocket;
  frames: Frame[];
}

export async function connectSubscribers(
  baseUrl: string,
  tokens: readonly string[],
  count: number,
  options: { keepFrames: boolean; timeoutMs?: number },
): Promise<Subscriber[]> {
  const wsBase = baseUrl.replace(/^http/, 'ws');
  const connectOne = (i: number) =>
    new Promise<Subscriber>((resolve, reject) => {
      const token = tokens[i % tokens.length] ?? '';
      const socket = new WebSocket(`${wsBase}/api/v1/sync/stream?access_token=${encodeURIComponent(token)}`);
      const subscriber: Subscriber = { socket, frames: [] };
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`stream client ${i}: no hello after ${options.timeoutMs ?? 20_000} ms`));
      }, options.timeoutMs ?? 20_000);
      let greeted = false;
      socket.on('message', (data) => {
        const at = process.hrtime.bigint();
        if (!greeted) {
          greeted = true;
          clearTimeout(timer);
          resolve(subscriber);
          return;
        }
        if (options.keepFrames) subscriber.frames.push({ at, data });
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  // Connect in batches so a burst of handshakes does not time out on a busy server.
  const out: Subscriber[] = [];
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, (_, k) => connectOne(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

export async function closeSubscribers(subscribers: readonly Subscriber[]): Promise<void> {
  await Promise.all(
    subscribers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.socket.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          const timer = setTimeout(() => {
            s.socket.terminate();
            resolve();
          }, 2000);
          s.socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          s.socket.close(1000, 'bench done');
        }),
    ),
  );
}

export const frameText = (frame: Frame): string =>
  Buffer.isBuffer(frame.data)
    ? frame.data.toString('utf8')
    : Array.isArray(frame.data)
      ? Buffer.concat(frame.data).toString('utf8')
      : Buffer.from(frame.data).toString('utf8');
