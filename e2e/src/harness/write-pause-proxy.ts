import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stack } from './stack.js';

/**
 * An HTTP proxy in front of the S3 server that stops the world after every write: when a PUT (or a
 * multipart POST) has been stored, `afterWrite(key)` runs before the publisher gets its answer. So a
 * scenario can look at the site in every intermediate state of a publish, whatever its concurrency,
 * without timing anything. Checks run one at a time.
 */
export async function startWritePauseProxy(
  stack: Stack,
  target: string,
  afterWrite: (key: string) => Promise<void>,
): Promise<{ endpoint: string; writes: string[] }> {
  const upstream = new URL(target);
  const writes: string[] = [];
  let queue: Promise<void> = Promise.resolve();
  const server = createServer((req, res) => {
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const write = (req.method === 'PUT' || req.method === 'POST') && (answer.statusCode ?? 500) < 300;
          const key = decodeURIComponent(new URL(req.url ?? '/', 'http://s3').pathname);
          let hold: Promise<void> = Promise.resolve();
          if (write) {
            queue = queue.then(() => {
              writes.push(key);
              return afterWrite(key);
            });
            hold = queue;
          }
          hold.then(
            () => {
              res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
            },
            (error: unknown) => res.destroy(error as Error),
          );
        });
      },
    );
    forward.on('error', (error) => res.destroy(error));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stack.use(server, (s) => {
    s.closeAllConnections();
    return new Promise<void>((resolve) => s.close(() => resolve()));
  });
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writes };
}
