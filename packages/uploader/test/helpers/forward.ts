import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';

/** An upstream's whole answer to one forwarded request. */
export interface Forwarded {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends requests on to `upstream` (an http:// URL) and buffers each answer: the proxies' one way out. */
export function forwarder(upstream: string | URL) {
  const target = new URL(upstream);
  return (method: string, url: string, headers: IncomingHttpHeaders, body?: Buffer) =>
    new Promise<Forwarded>((resolve, reject) => {
      const up = httpRequest(
        { host: target.hostname, port: target.port, method, path: url, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
}
