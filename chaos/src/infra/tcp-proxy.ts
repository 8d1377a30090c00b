import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between the services and a dependency (Postgres), so the suite can take the
 * dependency away from the services without stopping the shared instance. `cut()` refuses new
 * connections and drops open ones (as a crashed server would); `restore()` listens again on the
 * same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private boundPort: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** Listens on `port` (0: a free one, kept across cut and restore). */
  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, target);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.boundPort;
  }

  get isOpen(): boolean {
    return this.server !== undefined;
  }

  /** Connections relayed right now (both sides count once). */
  get openConnections(): number {
    return this.sockets.size / 2;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  stop(): Promise<void> {
    return this.cut();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => this.relay(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        const address = server.address();
        if (typeof address === 'object' && address) this.boundPort = address.port;
        resolve();
      });
    });
  }

  private relay(client: Socket): void {
    const upstream = createConnection(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      // Either side failing ends both: the peer sees a dropped connection, not a hang.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
