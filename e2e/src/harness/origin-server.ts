import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type NaiveStaticOptions, naiveStatic } from './naive-static.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** How an origin serves its build directory. */
export type OriginKind =
  /** `createOriginHandler` from @skewless/origin. */
  | { kind: 'skewless' }
  /** A hand-rolled static server with the given mistakes. */
  | ({ kind: 'naive' } & NaiveStaticOptions);

/** One server of the pool behind the balancer; `deploy` swaps the build it serves, like a host restart. */
export interface OriginServer {
  name: string;
  port: number;
  /** The directory being served now. */
  dir: string;
  /** Every request it answered, as `status path` lines: which origin served what, for the report. */
  log: string[];
  deploy(dir: string): Promise<void>;
  close(): Promise<void>;
}

async function handlerFor(dir: string, kind: OriginKind): Promise<Handler> {
  if (kind.kind === 'naive') return naiveStatic(dir, kind);
  // Loaded only here, so the unprotected scenarios do not depend on the origin middleware.
  const { createOriginHandler } = await import('@skewless/origin');
  const handler = createOriginHandler({ dir });
  return (req, res) => handler(req, res);
}

/** Start an origin on 127.0.0.1 (free port) serving `dir`. */
export async function startOrigin(name: string, dir: string, kind: OriginKind): Promise<OriginServer> {
  let handler = await handlerFor(dir, kind);
  const log: string[] = [];
  const server = createServer((req, res) => {
    res.on('finish', () => log.push(`${res.statusCode} ${req.url}`));
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin: OriginServer = {
    name,
    port: (server.address() as AddressInfo).port,
    dir,
    log,
    async deploy(next) {
      handler = await handlerFor(next, kind);
      origin.dir = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return origin;
}
