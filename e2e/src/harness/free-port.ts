import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, for servers that cannot listen on port 0 themselves (nginx reads its
 * port from a config file). The port is released before it is returned; the window is tiny on loopback.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
