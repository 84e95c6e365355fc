/** A TCP relay for the end-to-end tests that stop the sync server and start it again. */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on a fixed loopback port in front of the sync server, so a server can be stopped and
 * started again on another port while the terminals keep the one URL they enrolled with.
 */
export class Relay {
  private target: number | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<Relay> {
    const holder: { relay?: Relay } = {};
    const server = createServer((client) => holder.relay?.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('relay has no port');
    const relay = new Relay(server, address.port);
    relay.target = targetPort;
    holder.relay = relay;
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Points at a (restarted) server; `undefined` refuses every connection, as a dead server does. */
  retarget(port: number | undefined): void {
    this.target = port;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private accept(client: Socket): void {
    if (this.target === undefined) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.target });
    this.sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  }

  close(): Promise<void> {
    this.retarget(undefined);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
