import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a mocked CDN API received. */
export interface ApiCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the mocked API answers to one call. */
export interface ApiAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A mocked CDN API on 127.0.0.1 (no local server can answer CloudFront, Cloudflare or Fastly API calls):
 * records every call, in order, also into `log` when given (to order it against S3 requests), and answers
 * with `answer` (default 200 `{"success":true}`).
 */
export async function startMockedApi(
  answer: (call: ApiCall, index: number) => ApiAnswer = () => ({ status: 200, body: '{"success":true}' }),
  log?: string[],
): Promise<{ endpoint: string; calls: ApiCall[]; close: () => Promise<void> }> {
  const calls: ApiCall[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      // The client went away mid-body: there is no one to answer.
      res.destroy();
      return;
    }
    const call: ApiCall = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    calls.push(call);
    log?.push(`cdn ${call.method} ${call.url}`);
    const a = answer(call, calls.length - 1);
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(a.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** CloudFront's answer to CreateInvalidation (201 with the invalidation), as its API reference shows it. */
export function cloudFrontCreated(call: ApiCall): ApiAnswer {
  const paths = [...call.body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => m[1]);
  const reference = /<CallerReference>([^<]*)<\/CallerReference>/.exec(call.body)?.[1] ?? '';
  return {
    status: 201,
    headers: {
      'content-type': 'text/xml',
      location: 'https://cloudfront.amazonaws.com/2020-05-31/distribution/E1/invalidation/I1',
    },
    body: `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status><CreateTime>2026-12-02T12:00:00.000Z</CreateTime><InvalidationBatch><Paths><Quantity>${paths.length}</Quantity><Items>${paths.map((p) => `<Path>${p}</Path>`).join('')}</Items></Paths><CallerReference>${reference}</CallerReference></InvalidationBatch></Invalidation>`,
  };
}
