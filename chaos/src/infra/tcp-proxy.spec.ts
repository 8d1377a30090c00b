import { createServer, connect, type Server } from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** Connects, sends `text`, resolves with what came back before the peer closed, or the error code. */
const roundTrip = (port: number, text: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => {
      received += chunk.toString();
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve(received));
  });

describe('TcpProxy', () => {
  let echo: Server;
  let echoPort: number;
  let proxy: TcpProxy;

  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });

  afterAll(async () => {
    await proxy?.stop();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('relays, refuses while cut, drops open connections on cut, and relays again on the same port after restore', async () => {
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: echoPort });
    const port = proxy.port;
    expect(await roundTrip(port, 'hello')).toBe('hello');

    const open = connect(port, '127.0.0.1');
    await new Promise((resolve) => open.once('connect', resolve));
    const dropped = new Promise((resolve) => open.once('close', resolve));
    await proxy.cut();
    await dropped; // the open connection was dropped, not left hanging
    expect(await roundTrip(port, 'anyone?')).toBe('ECONNREFUSED');

    await proxy.restore();
    expect(proxy.port).toBe(port);
    expect(await roundTrip(port, 'back')).toBe('back');
  });
});
