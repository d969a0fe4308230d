/** A TCP port on 127.0.0.1 nobody listens on right now (for "connection refused" cases). */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Binds port 0, notes the port, closes; resolves the port number. */
export function freePortForTest(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}
